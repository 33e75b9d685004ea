// experiment-data.ts — 'springloop/data': the data of the lecture's experiments, apart from the
// main entry (an app that trains on its own series pays nothing for them): the named data sets
// `springloop train --dataset` uses (described on the host, materialised on the GPU), random
// oscillator ensembles, and NumPy .npy arrays (the CLI's trajectory files).
export { describeDataset, DATASETS, type DatasetName, type DatasetSpec, type DatasetOptions } from './data/datasets';
export { materializeDataset, type GpuTrajectory } from './data/gpu-data';
export { buildEnsemble, type EnsembleOptions, type ParamSpec } from './physics/ensemble';
export { encodeNpyFloat32, decodeNpy, type NpyArray } from './io/npy';
