import cliProgress from 'cli-progress';

/** A progress display on stderr: a bar with loss and ETA on a TTY, plain lines otherwise. */
export interface Progress {
  /** Sets the position (`done` of `total`) and the latest loss. */
  update(done: number, loss?: number): void;
  /** Prints a line (e.g. an epoch summary) without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is counted, e.g. "steps" or "iterations". */
  unit: string;
  /** Total count. */
  total: number;
  /** Label in front of the bar, e.g. "kfac curves". */
  label: string;
  /** Stream (default process.stderr); a non-TTY stream gets plain lines. */
  stream?: NodeJS.WriteStream;
  /** Starting position (a resumed run). */
  start?: number;
}

/**
 * Creates a progress display. On a TTY: a cli-progress bar `label [████░░] 40% | 120/300 steps |
 * loss 54.21 | ETA 1m3s`. Otherwise (CI, redirected stderr): no bar, just the `log` lines and one
 * line per 10% of progress, so logs stay readable.
 *
 * @example
 * ```ts
 * const progress = createProgress({ unit: 'steps', total: 1000, label: 'kfac mnist' });
 * progress.update(10, 54.2);
 * progress.stop();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const start = options.start ?? 0;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | loss {loss} | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, start, { loss: '-' });
    return {
      update: (done, loss) => bar.update(done, loss === undefined ? {} : { loss: formatLoss(loss) }),
      log: (line) => {
        // clear the bar line, print, and let the next update redraw it
        stream.write(`\r\x1b[K${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  const began = performance.now();
  let nextTenth = Math.floor((start / Math.max(1, options.total)) * 10) + 1;
  return {
    update: (done, loss) => {
      const tenth = Math.floor((done / Math.max(1, options.total)) * 10);
      if (tenth < nextTenth || done === 0) return;
      nextTenth = tenth + 1;
      const seconds = (performance.now() - began) / 1000;
      const rate = (done - start) / Math.max(seconds, 1e-9);
      const eta = rate > 0 ? (options.total - done) / rate : 0;
      stream.write(
        `${options.label}: ${done}/${options.total} ${options.unit}${loss === undefined ? '' : `, loss ${formatLoss(loss)}`}, ETA ${formatSeconds(eta)}\n`,
      );
    },
    log: (line) => stream.write(`${line}\n`),
    stop: () => undefined,
  };
}

/** Four significant digits, e.g. 54.21 or 0.0006931. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? Number(loss.toPrecision(4)).toString() : String(loss);
}

/** `1h2m3s`, `2m3s` or `3s`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${m}m${r}s` : m > 0 ? `${m}m${r}s` : `${r}s`;
}
