// cli.ts — the `springloop` command: dispatches to subcommands in src/cli/.
import { INFO_USAGE, runInfo } from './cli/info';
import { SIMULATE_USAGE, runSimulate } from './cli/simulate';
import { BENCH_USAGE, runBench } from './cli/bench';
import { TRAIN_USAGE, runTrain } from './cli/train';
import { ANALYZE_USAGE, runAnalyze } from './cli/analyze';

const USAGE = `springloop — WebGPU physics + recurrent nets

usage: springloop <command> [options]

commands:
  info        print the WebGPU adapter springloop uses, its limits and features
  simulate    integrate driven damped oscillators on the GPU (rk4|euler|symplectic) into .npy/.csv
  train       train RNN/LSTM/GRU on GPU-simulated physics; results.json + figure.svg (--default: the main job)
  analyze     a model as a dynamical system: gradient norms through time, Jacobian spectra,
              Lyapunov exponents, fixed points; analysis.json + analysis.svg (--experiment: the
              rho sweep, long memory RNN vs LSTM vs GRU)
  bench       time kernels against CPU peers after validating them (--only rk4, --quick, --json FILE;
              --peers adds TF.js WebGPU/wasm and PyTorch, and the springloop ÷ peer table)
  help        this text

\`springloop <command> --help\` prints that command's options.
Every command takes --adapter lavapipe|swiftshader|NAME (or env SPRINGLOOP_ADAPTER).`;

interface Command {
  run: (args: string[]) => Promise<number>;
  /** Printed for `springloop <command> --help` (or -h). */
  usage: string;
}

const COMMANDS: Record<string, Command> = {
  info: { run: runInfo, usage: INFO_USAGE },
  simulate: { run: runSimulate, usage: SIMULATE_USAGE },
  bench: { run: runBench, usage: BENCH_USAGE },
  train: { run: runTrain, usage: TRAIN_USAGE },
  analyze: { run: runAnalyze, usage: ANALYZE_USAGE },
};

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS[rest[0] ?? ''] : undefined;
    console.log(topic ? topic.usage : USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`springloop: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    console.error(`springloop ${name}: ${(e as Error).message}`);
    return 1;
  }
}
