// info.ts — `springloop info`: the adapter springloop picks, its limits and features.
import { init } from '../gpu/device';
import { parseArgs } from './args';

export const INFO_USAGE = `usage: springloop info [--json] [--adapter NAME]

  Prints the WebGPU adapter springloop picks (hardware first, then lavapipe, then SwiftShader),
  its features and its limits.
  --json           the same as one JSON object
  --adapter NAME   lavapipe | swiftshader | any substring of the adapter's name (env SPRINGLOOP_ADAPTER)`;

export async function runInfo(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { adapter: 'string', json: 'boolean' });
  const ctx = await init({ adapter: args.adapter as string | undefined });
  try {
    const limits: Record<string, number> = {};
    for (const key in ctx.device.limits) {
      const v = (ctx.device.limits as unknown as Record<string, unknown>)[key];
      if (typeof v === 'number') limits[key] = v;
    }
    const info = {
      adapter: ctx.adapterName,
      kind: ctx.adapterKind,
      runtime: ctx.runtime,
      vendor: ctx.adapter.info?.vendor ?? '',
      architecture: ctx.adapter.info?.architecture ?? '',
      features: [...ctx.adapter.features].sort(),
      limits,
    };
    if (args.json) {
      console.log(JSON.stringify(info, null, 2));
    } else {
      console.log(`adapter:  ${info.adapter}`);
      console.log(`kind:     ${info.kind} (${info.vendor}${info.architecture ? `, ${info.architecture}` : ''})`);
      console.log(`features: ${info.features.join(', ')}`);
      console.log('limits:');
      for (const [k, v] of Object.entries(limits)) console.log(`  ${k.padEnd(44)} ${v}`);
    }
    return 0;
  } finally {
    ctx.dispose();
  }
}
