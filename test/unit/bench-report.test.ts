// bench-report.test.ts — markdown rendering and springloop-vs-peer ratios of bench/report.ts,
// and the tfjs peer's adapter flags (no GPU, no timing). The torch peer: torch-peer.test.ts.
import { describe, expect, it } from 'vitest';
import {
  annotateCeilings,
  formatNumber,
  groupByAdapter,
  parseBenchReport,
  peerRatios,
  renderRatioTable,
  renderResults,
  renderRowsTable,
  renderSection,
  replaceGeneratedBlock,
  splitPeerName,
  uniqueRows,
  GENERATED_BEGIN,
  GENERATED_END,
} from '../../bench/report';
import type { BenchRow } from '../../bench/stats';
import { dawnAdapterFlags } from '../../bench/peers/tfjs';

function row(name: string, medianMs: number, unit = 'steps/s', work = 1): BenchRow {
  return { name, median_ms: medianMs, p10_ms: medianMs * 0.9, p90_ms: medianMs * 1.2, unit, throughput: work / (medianMs / 1000) };
}

describe('splitPeerName', () => {
  it('splits peer rows and leaves springloop rows alone', () => {
    expect(splitPeerName('peer/tfjs-webgpu/train_step/lstm/seed')).toEqual({ peer: 'tfjs-webgpu', name: 'train_step/lstm/seed' });
    expect(splitPeerName('peer/js/rk4/1e6')).toEqual({ peer: 'js', name: 'rk4/1e6' });
    expect(splitPeerName('train_step/lstm/seed')).toBeNull();
    expect(splitPeerName('peer/onlyone')).toBeNull();
  });
});

describe('peerRatios', () => {
  const rows = [
    row('train_step/lstm/seed', 40),
    row('train_step/gru/seed', 30),
    row('peer/tfjs-webgpu/train_step/lstm/seed', 1000),
    row('peer/tfjs-wasm/train_step/lstm/seed', 100),
    row('peer/tfjs-wasm/train_step/rnn/seed', 50), // springloop has no rnn row here
    row('rk4/1e6', 8, 'oscillator-steps/s', 1e6 * 100),
    row('peer/js/rk4/1e6', 500, 'oscillator-steps/s', 1e6 * 20),
  ];
  const ratios = peerRatios(rows);

  it('pairs only rows present on both sides', () => {
    expect(ratios.map((r) => `${r.peer}:${r.name}`)).toEqual(['tfjs-webgpu:train_step/lstm/seed', 'tfjs-wasm:train_step/lstm/seed', 'js:rk4/1e6']);
  });

  it('is springloop throughput over the peer throughput', () => {
    expect(ratios[0]!.speedup).toBeCloseTo(1000 / 40, 10);
    expect(ratios[1]!.speedup).toBeCloseTo(100 / 40, 10);
    // Different work per run: 1e8 steps in 8 ms vs 2e7 in 500 ms → (1e8/8) / (2e7/500).
    expect(ratios[2]!.speedup).toBeCloseTo((1e8 / 8) / (2e7 / 500), 6);
  });

  it('attaches the issue goals to the LSTM rows only', () => {
    expect(ratios.map((r) => r.goal)).toEqual([20, 6, undefined]);
  });

  it('counts the last of several rows with one name, once', () => {
    const twice = peerRatios([row('rk4/1e6', 10), row('peer/js/rk4/1e6', 100), row('peer/js/rk4/1e6', 200), row('rk4/1e6', 20)]);
    expect(twice).toHaveLength(1);
    expect(twice[0]!.speedup).toBeCloseTo(200 / 20, 10);
    expect(uniqueRows([row('a', 1), row('b', 2), row('a', 3)]).map((r) => [r.name, r.median_ms])).toEqual([['a', 3], ['b', 2]]);
  });

  it('gives NaN when the units differ instead of a meaningless ratio', () => {
    const [r] = peerRatios([row('rk4/1e3', 1, 'steps/s'), row('peer/js/rk4/1e3', 1, 'oscillator-steps/s')]);
    expect(r!.speedup).toBeNaN();
    expect(r!.unit).toBe('steps/s vs oscillator-steps/s');
  });
});

describe('markdown rendering', () => {
  it('renders one table line per row with escaped pipes', () => {
    const r = { ...row('train_step/lstm/seed', 12.3456), notes: { model: 'a|b', threads: 2 } };
    const lines = renderRowsTable([r, row('x', 1)]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('| train_step/lstm/seed | 12.35 |');
    expect(lines[2]).toContain('model=a\\|b; threads=2');
  });

  it('says whether each goal is met', () => {
    const table = renderRatioTable(peerRatios([
      row('train_step/lstm/seed', 50),
      row('peer/tfjs-webgpu/train_step/lstm/seed', 1000),
      row('peer/tfjs-wasm/train_step/lstm/seed', 100),
    ]));
    expect(table).toMatch(/tfjs-webgpu .*\| 20\.0× \| ≥ 20× — met \|/);
    expect(table).toMatch(/tfjs-wasm .*\| 2\.00× \| ≥ 6× — not met \|/);
  });

  it('shows each peer\'s settings beside its ratio: the run\'s, then the row\'s own', () => {
    const torchRow = { ...row('peer/torch-cpu/train_step/lstm/seed', 20), notes: { openblas_threads: '1', torch_threads: 2, runs: 20 } };
    const ratios = peerRatios([row('train_step/lstm/seed', 40), torchRow, row('peer/jaxjs-wasm/train_step/lstm/seed', 200)], {
      'torch-cpu': { torch: '1.13.0', python: '/usr/bin/python3', blas: 'OpenBLAS 0.3.21 (pthread)', blas_library: '/usr/lib/libopenblas.so' },
      'jaxjs-wasm': { jaxjs: '0.1.25', backend: 'wasm', threads: 'off' },
    });
    expect(ratios.map((r) => r.settings)).toEqual([
      'torch 1.13.0, blas OpenBLAS 0.3.21 (pthread); OPENBLAS_NUM_THREADS=1, torch threads 2',
      'jaxjs 0.1.25, backend wasm, threads off',
    ]);
    const table = renderRatioTable(ratios);
    expect(table.split('\n')[0]).toContain('| peer settings |');
    expect(table).toContain('| 5.00× | ≥ 3× — met |');
    expect(table).toContain('OPENBLAS_NUM_THREADS=1, torch threads 2 |');
  });

  it('heads each adapter section with its name and latest date, merges its files, and pairs ratios within one file', () => {
    const reports = [
      { adapter: 'llvmpipe', date: '2025-01-02T10:00:00Z', rows: [row('train_step/lstm/seed', 50), row('train_step/gru/seed', 40)], source: 'bench/lavapipe.json' },
      { adapter: 'SwiftShader', date: '2025-01-01T00:00:00Z', rows: [row('rk4/1e3', 1)] },
      {
        adapter: 'llvmpipe', date: '2025-01-03T10:00:00Z', rows: [row('train_step/lstm/seed', 50), row('peer/tfjs-wasm/train_step/lstm/seed', 300), row('peer/tfjs-wasm/train_step/gru/seed', 300)],
        notes: ['tfjs-wasm: simd on'], source: 'bench/peers.lavapipe.json',
      },
    ];
    expect(groupByAdapter(reports).map((g) => g.length)).toEqual([2, 1]);
    const md = renderResults(reports);
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## llvmpipe — 2025-01-03', '## SwiftShader — 2025-01-01']);
    const lava = md.slice(0, md.indexOf('## SwiftShader'));
    expect(lava).toContain('### springloop vs peers');
    expect(lava).toContain('### springloop vs peers (one run: `bench/peers.lavapipe.json`)');
    expect(lava).toContain('| 6.00× | ≥ 6× — met |');
    // gru/seed's springloop row is in another file (another run): no ratio across runs.
    expect(lava).not.toMatch(/\| train_step\/gru\/seed \| tfjs-wasm/);
    expect(lava).toContain('- tfjs-wasm: simd on');
    expect(lava).toContain('`bench/peers.lavapipe.json`');
    expect(md.slice(md.indexOf('## SwiftShader'))).not.toContain('vs peers');
  });

  it('keeps the newest file\'s row when two files of one adapter measured it', () => {
    const md = renderSection([
      { adapter: 'a', date: '2025-02-01T00:00:00Z', rows: [row('rk4/1e6', 7)] },
      { adapter: 'a', date: '2025-01-01T00:00:00Z', rows: [row('rk4/1e6', 99), row('rk4/1e3', 1)] },
    ]);
    expect(md).toContain('| rk4/1e6 | 7 |');
    expect(md).not.toContain('| rk4/1e6 | 99 |');
    expect(md).toContain('| rk4/1e3 | 1 |');
  });

  it('refuses a section that mixes adapters', () => {
    expect(() => renderSection([{ adapter: 'a', rows: [] }, { adapter: 'b', rows: [] }])).toThrow(/mix adapters 'a' and 'b'/);
  });

  it('formats numbers to 4 significant digits, exponents at the extremes', () => {
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(0.012345)).toBe('0.01235');
    expect(formatNumber(2.5e10)).toBe('2.500e+10');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(NaN)).toBe('NaN');
  });
});

describe('replaceGeneratedBlock', () => {
  it('appends a block once, then replaces only its inside', () => {
    const first = replaceGeneratedBlock('# Results\n\nprose before\n', 'TABLE 1');
    expect(first).toContain('prose before');
    expect(first).toContain(`${GENERATED_BEGIN}\n\nTABLE 1\n\n${GENERATED_END}`);
    const second = replaceGeneratedBlock(`${first}\nprose after\n`, 'TABLE 2');
    expect(second).not.toContain('TABLE 1');
    expect(second).toContain('TABLE 2');
    expect(second).toContain('prose before');
    expect(second).toContain('prose after');
    expect(second.split(GENERATED_BEGIN)).toHaveLength(2);
  });

  it('refuses a file with a lone marker', () => {
    expect(() => replaceGeneratedBlock(`x\n${GENERATED_BEGIN}\ny`, 'T')).toThrow(/only one of the generated-block markers/);
  });
});

describe('parseBenchReport', () => {
  it('accepts the bench JSON form and keeps date and notes', () => {
    const r = parseBenchReport({ adapter: 'llvmpipe', date: '2025-01-01', rows: [row('a', 1)], notes: ['n'] }, 'f.json');
    expect(r).toMatchObject({ adapter: 'llvmpipe', date: '2025-01-01', notes: ['n'], source: 'f.json' });
  });

  it('describes the machine from the CLI report fields', () => {
    const r = parseBenchReport({ adapter: 'x', rows: [], cpu: 'EPYC × 2', node: 'v20.1.0', quick: true }, 'c.json');
    expect(r.machine).toBe('EPYC × 2, Node v20.1.0, quick');
    expect(renderSection([r])).toContain('`c.json` (EPYC × 2, Node v20.1.0, quick)');
  });

  it('shows the load average at the start and end of the run, and keeps the peers\' settings', () => {
    const r = parseBenchReport({
      adapter: 'x', rows: [], cpu: 'Xeon × 2', machine: { start: { loadavg: [1.5, 1, 1] }, end: { loadavg: [2.25, 1, 1] } }, peers: { 'torch-cpu': { torch: '1.13' } },
    }, 'd.json');
    expect(r.machine).toBe('Xeon × 2, load 1.50 → 2.25 (1-min average, start → end)');
    expect(r.peers).toEqual({ 'torch-cpu': { torch: '1.13' } });
  });

  it('names the file and the bad field', () => {
    expect(() => parseBenchReport({ rows: [] }, 'a.json')).toThrow(/a\.json: "adapter" must be a string/);
    expect(() => parseBenchReport({ adapter: 'x', rows: [{ ...row('a', 1), median_ms: '3' }] }, 'b.json')).toThrow(/b\.json: rows\[0\]\.median_ms must be a number/);
  });
});

describe('annotateCeilings', () => {
  it('adds of_copy = gbps ÷ the copy ceiling to rows that report GB/s, and nothing without a ceiling', () => {
    const rk4 = { ...row('rk4/1e6', 1000), notes: { gbps: 0.5 } };
    const other = row('forward/lstm/seed', 30);
    annotateCeilings([rk4, other]);
    expect(rk4.notes).toEqual({ gbps: 0.5 });
    annotateCeilings([{ ...row('ceiling/copy', 10), throughput: 12.5 }, rk4, other]);
    expect(rk4.notes).toEqual({ gbps: 0.5, of_copy: 0.04 });
    expect(other.notes?.of_copy).toBeUndefined();
  });
});

describe('peer helpers', () => {
  it('asks dawn.node for the adapter springloop uses', () => {
    expect(dawnAdapterFlags('lavapipe')).toEqual(['adapter=llvmpipe']);
    expect(dawnAdapterFlags('swiftshader')).toEqual(['adapter=SwiftShader']);
    expect(dawnAdapterFlags('hardware')).toEqual([]);
  });
});
