// dawn-noise.js — Dawn (the npm package 'webgpu') prints two lines from native code straight to
// file descriptor 2 each time it enumerates adapters:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 …
// No JavaScript stream or hook sees them, and no device setting avoids them, so the places that
// own a process's stderr (bin/springloop.js for the CLI, vitest.config.ts for test logs) pass
// it through this filter, which drops exactly those lines and nothing else.

/** A line Dawn prints on adapter enumeration that says nothing to a springloop user. */
export const DAWN_NOISE = /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;
const NOISE_START = 'Warning: maxDynamic';

/**
 * A stream filter: push() text as it arrives, end() at the end; everything but Dawn's noise
 * lines reaches `write` at once (a partial line is held back only while it could still turn
 * out to be one, so in-place progress bars redraw without delay).
 */
export function dawnNoiseFilter(write) {
  let pending = '';
  const couldBeNoise = (text) => NOISE_START.startsWith(text) || text.startsWith(NOISE_START);
  return {
    push(chunk) {
      pending += chunk;
      let out = '';
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!DAWN_NOISE.test(line)) out += `${line}\n`;
      }
      if (pending && !couldBeNoise(pending)) {
        out += pending;
        pending = '';
      }
      if (out) write(out);
    },
    end() {
      if (pending && !DAWN_NOISE.test(pending)) write(pending);
      pending = '';
    },
  };
}
