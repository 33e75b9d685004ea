// conformance.ts — `npm run conformance -- FILE [--variant auto|step|persistent] [--adapter NAME]`:
// runs every case of a PyTorch conformance vectors file (format: ../shared/conformance/README.md)
// through the GPU in float32 and prints each case's worst errors. The last line is
// `N passed, M failed`; the exit status is non-zero when any case fails, and when the file
// holds no case at all (zero cases passing proves nothing).
import { readFileSync } from 'node:fs';
import { init } from '../src/gpu/device';
import { Scheduler } from '../src/gpu/scheduler';
import { parseConformanceVectors } from '../src/conformance/vectors';
import { formatCaseReport, runConformanceCase, type RunOptions } from '../src/conformance/gpu-runner';

function parseArgs(argv: string[]): { file: string; variant: RunOptions['variant']; adapter?: string } {
  let file: string | undefined;
  let variant: RunOptions['variant'] = 'auto';
  let adapter: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--variant') {
      const v = value();
      if (v !== 'auto' && v !== 'step' && v !== 'persistent') throw new Error(`--variant must be auto, step or persistent, got ${v}`);
      variant = v;
    } else if (a === '--adapter') adapter = value();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new Error(`one vectors file expected, got also ${a}`);
  }
  if (!file) throw new Error('usage: npm run conformance -- FILE [--variant auto|step|persistent] [--adapter NAME]');
  return { file, variant, adapter };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${args.file}: ${(e as Error).message}`);
  }
  const vectors = parseConformanceVectors(text);
  if (vectors.cases.length === 0) throw new Error(`${args.file} holds no conformance cases: nothing would be checked`);
  const ctx = await init(args.adapter ? { adapter: args.adapter } : {});
  const sched = new Scheduler(ctx);
  console.log(`${vectors.cases.length} cases from ${args.file} on ${ctx.adapterName} (float32, variant ${args.variant})`);
  let passed = 0;
  let failed = 0;
  try {
    for (const c of vectors.cases) {
      try {
        const report = await runConformanceCase(sched, c, { variant: args.variant });
        console.log(formatCaseReport(report));
        if (report.passed) passed++;
        else failed++;
      } catch (e) {
        console.log(`${c.id.padEnd(14)} FAIL  error: ${(e as Error).message}`);
        failed++;
      }
    }
  } finally {
    sched.dispose();
    ctx.dispose();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`conformance: ${(e as Error).message}`);
    console.log('0 passed, 1 failed');
    process.exit(2);
  },
);
