// cli.ts — the `springloop` command: dispatches to subcommands in src/cli/.
import { runInfo } from './cli/info';
import { runSimulate } from './cli/simulate';
import { runBench } from './cli/bench';
import { runTrain } from './cli/train';

const USAGE = `springloop — WebGPU physics + recurrent nets

usage: springloop <command> [options]

commands:
  info        print the WebGPU adapter springloop uses, its limits and features
  simulate    integrate driven damped oscillators on the GPU (rk4|euler|symplectic) into .npy/.csv
  train       train RNN/LSTM/GRU on GPU-simulated physics; results.json + figure.svg (--default: the main job)
  bench       time kernels against CPU peers after validating them (--only rk4, --quick, --json FILE;
              --peers adds TF.js WebGPU/wasm and PyTorch, and the springloop ÷ peer table)
  help        this text

Every command takes --adapter lavapipe|swiftshader|NAME (or env SPRINGLOOP_ADAPTER).`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  info: runInfo,
  simulate: runSimulate,
  bench: runBench,
  train: runTrain,
};

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`springloop: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (e) {
    console.error(`springloop ${name}: ${(e as Error).message}`);
    return 1;
  }
}
