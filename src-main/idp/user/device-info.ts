/**
 * A readable device name from the `x_device_info` the native SDKs send (upstream's DeviceModel):
 * "MANUFACTURER MODEL" on Android, the machine name on iOS ("iOS Simulator" for simulators).
 */
export function deviceModel(info: unknown): string {
  if (!info || typeof info !== 'object') return '';
  const i = info as Record<string, any>;
  const build = i.android?.Build;
  if (build && typeof build === 'object') {
    return typeof build.MANUFACTURER === 'string' && typeof build.MODEL === 'string' ? `${build.MANUFACTURER} ${build.MODEL}` : '';
  }
  const machine = i.ios?.uname?.machine;
  if (typeof machine === 'string') return machine === 'x86_64' || machine === 'arm64' ? 'iOS Simulator' : machine;
  return '';
}
