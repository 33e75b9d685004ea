// engine.ts — the echo state network as the Forecaster's cell 'esn' (src/train/esn-engine.ts):
// Forecaster.use(esn) once, then Forecaster.create(…, { cell: 'esn' }) and Forecaster.load of
// an ESN file work.
import type { EsnEngine } from '../train/esn-engine';
import { EsnForecast } from './esn-forecast';
import { esnFromFile } from './esn-file';
import type { ReservoirHost } from './reservoir';

/** The engine to pass to Forecaster.use(). */
export const esn: EsnEngine = {
  readFile: (file, units, features) => esnFromFile(file, units, features),
  create: (sched, windows, settings, seed, saved) => EsnForecast.create(sched, windows, settings, seed, saved as { host: ReservoirHost; readout: Float64Array } | undefined),
};
