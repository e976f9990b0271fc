import { readdirSync, readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem, arch } from 'node:os';
import { version_core as tfjsCoreVersion } from '@tensorflow/tfjs-core';

/** The machine a run used, for the results file. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
}

/**
 * Describes the machine: first CPU model, core count, total memory, Node version and platform.
 * @example `machineInfo().cores`
 */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
  };
}

/**
 * Versions of the workspace's @fisherkit/* packages (read from packages/*\/package.json, since the
 * bench runs from sources) and of tfjs-core.
 * @example `packageVersions()['@tensorflow/tfjs-core'] // '4.22.0'`
 */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const root = new URL('../../../', import.meta.url);
  for (const folder of ['packages', 'apps']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(new URL(`${folder}/`, root));
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(`${folder}/${entry}/package.json`, root), 'utf8')) as { name?: string; version?: string };
        if (pkg.name?.startsWith('@fisherkit/') && pkg.version) versions[pkg.name] = pkg.version;
      } catch {
        // not a package folder
      }
    }
  }
  versions['@tensorflow/tfjs-core'] = tfjsCoreVersion;
  return versions;
}
