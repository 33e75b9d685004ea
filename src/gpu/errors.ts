// errors.ts — the typed errors a GPU context raises: device loss (sticky: the device is gone),
// use of an object after its destroy()/dispose() (or its owner's), and a GPU error the
// implementation reported for work already recorded (not sticky: the next call works).

/**
 * The GPU device is gone: the browser or driver lost it (reason 'unknown'), or something
 * destroyed it (reason 'destroyed'). Thrown by the call that was waiting on the GPU and by
 * every later call on objects of that context; `GpuContext.lost` resolves with it. Recover
 * with a new `init()` and rebuild from saved state (`Forecaster.load`, a checkpoint).
 */
export class DeviceLostError extends Error {
  /** 'DeviceLostError' (survives minification, unlike the class name). */
  override readonly name = 'DeviceLostError';

  /**
   * @param reason the implementation's GPUDeviceLostReason ('destroyed' or 'unknown')
   * @param gpuMessage the implementation's own text (Dawn's, the browser's), may be empty
   * @param adapterName the adapter the device came from
   */
  constructor(
    readonly reason: string,
    readonly gpuMessage: string,
    readonly adapterName: string,
  ) {
    super(
      `GPU device lost on ${adapterName} (reason '${reason}'${gpuMessage ? `: ${gpuMessage}` : ''}); ` +
        'every object of this context is unusable: call init() again and rebuild from saved state (Forecaster.load, a checkpoint)',
    );
  }
}

/** `<Class>.<method>() after destroy()` — an object (or one it depends on) was already released. */
export class UseAfterDestroyError extends Error {
  /** 'UseAfterDestroyError'. */
  override readonly name = 'UseAfterDestroyError';
}

/**
 * An error the GPU implementation reported for work springloop had already recorded (caught by
 * an error scope, so the context survives it): `where` names the call that recorded the work.
 */
export class GpuValidationError extends Error {
  /** 'GpuValidationError'. */
  override readonly name = 'GpuValidationError';

  /** @param where the call the work came from; @param gpuMessage the implementation's text. */
  constructor(
    readonly where: string,
    readonly gpuMessage: string,
  ) {
    super(`${where}: the GPU rejected this work: ${gpuMessage}`);
  }
}
