// reduce.wgsl — deterministic workgroup tree sum, shared by the reduction kernels.
// The including shader declares `override WORKGROUP_SIZE: u32` (a power of two) and uses a
// 1-D workgroup. Every invocation of the workgroup must call workgroup_sum (it has barriers).

var<workgroup> reduce_scratch: array<f32, WORKGROUP_SIZE>;

// Sum of `value` over the workgroup's invocations, returned to all of them.
fn workgroup_sum(lane: u32, value: f32) -> f32 {
  workgroupBarrier(); // a previous call's readers are done with the scratch
  reduce_scratch[lane] = value;
  var width = WORKGROUP_SIZE / 2u;
  loop {
    if (width == 0u) {
      break;
    }
    workgroupBarrier();
    if (lane < width) {
      reduce_scratch[lane] = reduce_scratch[lane] + reduce_scratch[lane + width];
    }
    width = width / 2u;
  }
  workgroupBarrier();
  return reduce_scratch[0];
}
