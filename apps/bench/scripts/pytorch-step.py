"""PyTorch on this machine, for `npm run bench:compare -- --pytorch` (issue 7, section 4).

Times one training step of the MNIST auto-encoder (784-1000-500-250-30-250-500-1000-784, ReLU
hidden units, linear code layer, sigmoid output with BCELoss, batch 512) the way the authors'
code runs it: float32, PyTorch's CPU BLAS, `torch.set_num_threads(threads)` and
`OMP_WAIT_POLICY=PASSIVE` (set by the caller).

- sgd, adam: torch.optim.SGD (momentum 0.9, weight decay) and torch.optim.Adam, exactly.
- kfac-like (1 Kronecker term) and rank2-like (2 terms): the per-step work of a Kronecker
  preconditioner written from the mathematics (not the authors' code): the same forward/backward
  pass, then per layer `G^-1 V A^-1` (2 products; rank-2: `P_G (D o (P_G^T V P_A)) P_A^T`, 4
  products), the KL clip, momentum and weight decay. The refresh is amortised at T = 100: a
  capture pass on 128 rows with sampled targets, the factors `a^T a / m`, `g^T g / m` and one
  `torch.linalg.eigh` per factor (rank-2: two per factor), timed separately.

Prints one JSON object: {torch, threads, blas, stepMs: {method: median ms}, refreshMs: {...}}.

    OMP_WAIT_POLICY=PASSIVE python3 apps/bench/scripts/pytorch-step.py --threads 2 --steps 20
"""

import argparse
import json
import os
import time

import torch
import torch.nn as nn

SIZES = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]


def network():
    layers = []
    for i in range(len(SIZES) - 1):
        layers.append(nn.Linear(SIZES[i], SIZES[i + 1]))
        if i == len(SIZES) - 2:
            layers.append(nn.Sigmoid())
        elif i != 3:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def linears(model):
    return [m for m in model if isinstance(m, nn.Linear)]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def timed(step, steps, warmup=3):
    times = []
    for i in range(steps + warmup):
        t = time.perf_counter()
        step()
        if i >= warmup:
            times.append((time.perf_counter() - t) * 1000)
    return median(times)


def first_order(kind, x, steps):
    model = network()
    loss_fn = nn.BCELoss()
    if kind == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-3)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-3)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), x)
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, steps)


def kronecker(terms, x, steps):
    """Plain step and refresh of a Kronecker preconditioner with `terms` terms per layer."""
    model = network()
    loss_fn = nn.BCELoss()
    lin = linears(model)
    # Factors in the eigenbasis form both methods apply: per layer and term, P_A (d_a x d_a), P_G (d_g x d_g) and a scale grid D.
    basis = []
    for m in lin:
        da, dg = m.in_features + 1, m.out_features
        qa, _ = torch.linalg.qr(torch.randn(da, da))
        qg, _ = torch.linalg.qr(torch.randn(dg, dg))
        basis.append((qa, qg, torch.rand(dg, da) + 0.5))
    momentum = [torch.zeros(m.out_features, m.in_features + 1) for m in lin]

    def step():
        model.zero_grad()
        loss = loss_fn(model(x), x)
        loss.backward()
        with torch.no_grad():
            grads = [torch.cat([m.weight.grad, m.bias.grad[:, None]], 1) for m in lin]  # d_g x d_a
            pre = []
            for v, (qa, qg, d) in zip(grads, basis):
                if terms == 1:
                    pre.append(qg @ v @ qa)  # G^-1 V A^-1 with the inverses held
                else:
                    pre.append(qg @ ((qg.t() @ v @ qa) * d) @ qa.t())
            total = sum(float((p * v).sum()) for p, v in zip(pre, grads))
            nu = min(1.0, (0.01 / (1e-4 * abs(total) + 1e-30)) ** 0.5)
            for i, (p, m) in enumerate(zip(pre, lin)):
                w = torch.cat([m.weight, m.bias[:, None]], 1)
                momentum[i].mul_(0.9).add_(p, alpha=nu).add_(w, alpha=1e-3)
                m.weight.add_(momentum[i][:, :-1], alpha=-0.01)
                m.bias.add_(momentum[i][:, -1], alpha=-0.01)
        return loss.item()

    def refresh():
        captured = []
        pre_grads = []
        hooks = [m.register_forward_hook(lambda mod, inp, out: captured.append(inp[0].detach())) for m in lin]
        hooks += [m.register_full_backward_hook(lambda mod, gi, go: pre_grads.append(go[0].detach())) for m in lin]
        out = model(x[:128])
        target = torch.bernoulli(out.detach())
        model.zero_grad()
        loss_fn(out, target).backward()
        for h in hooks:
            h.remove()
        pre_grads.reverse()
        assert len(captured) == len(lin) and len(pre_grads) == len(lin)
        with torch.no_grad():
            for a, g in zip(captured, pre_grads):
                a1 = torch.cat([a, torch.ones(a.shape[0], 1)], 1)
                fa = a1.t() @ a1 / a1.shape[0]
                fg = g.t() @ g / g.shape[0]
                for _ in range(terms):
                    torch.linalg.eigh(fa + 1e-3 * torch.eye(fa.shape[0]))
                    torch.linalg.eigh(fg + 1e-3 * torch.eye(fg.shape[0]))

    plain = timed(step, steps)
    refresh_ms = timed(refresh, 3, warmup=1)
    return plain, refresh_ms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--steps', type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.rand(512, 784)
    step_ms = {'sgd': first_order('sgd', x, args.steps), 'adam': first_order('adam', x, args.steps)}
    refresh_ms = {}
    for name, terms in (('kfac-like', 1), ('rank2-like', 2)):
        step_ms[name], refresh_ms[name] = kronecker(terms, x, args.steps)
    print(json.dumps({
        'torch': torch.__version__,
        'threads': args.threads,
        'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY'),
        'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS'),
        'stepMs': step_ms,
        'refreshMs': refresh_ms,
    }))


if __name__ == '__main__':
    main()
