// install.ts — what `npm i` does for the consumer test, offline: `npm pack` the repository,
// unpack the tarball into an app's node_modules/springloop, and link exactly the packages the
// tarball's package.json depends on (plus the peers and tools an app asks for) from this
// repository's node_modules. A runtime import of an undeclared package therefore fails here
// as it would for a user.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..', '..');

export interface PackedPackage {
  tarball: string;
  /** package.json of the packed package. */
  manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; [key: string]: unknown };
  /** Every file path in the tarball, relative to the package root. */
  files: string[];
}

/** `npm pack` of the repository (as built: dist/ must be there) into `dir`. */
export function packRepository(dir: string): PackedPackage {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  const tarball = join(dir, info.filename);
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as PackedPackage['manifest'];
  return { tarball, manifest, files: info.files.map((f) => f.path) };
}

/** Links node_modules/<name> of `appDir` to this repository's installed copy. */
function linkPackage(appDir: string, name: string): void {
  const target = join(REPO, 'node_modules', name);
  const link = join(appDir, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
}

/**
 * Copies the app template `test/consumer/apps/<app>` to `dir/<app>` and installs the packed
 * package into it with its dependencies, the given peers and tools. Returns the app's folder.
 */
export function installApp(pkg: PackedPackage, app: string, dir: string, extra: { peers?: string[]; tools?: string[] } = {}): string {
  const appDir = join(dir, app);
  cpSync(join(REPO, 'test', 'consumer', 'apps', app), appDir, { recursive: true });
  const home = join(appDir, 'node_modules', 'springloop');
  mkdirSync(home, { recursive: true });
  execFileSync('tar', ['-xzf', pkg.tarball, '-C', home, '--strip-components=1']);
  for (const name of Object.keys(pkg.manifest.dependencies ?? {})) linkPackage(appDir, name);
  for (const name of extra.peers ?? []) {
    if (!pkg.manifest.peerDependencies?.[name]) throw new Error(`${name} is not a peer dependency of the package`);
    linkPackage(appDir, name);
  }
  for (const name of extra.tools ?? []) linkPackage(appDir, name);
  return appDir;
}

/** Runs `tsc -p appDir` of the TypeScript package `typescript` (e.g. 'typescript-7') with extra flags. */
export function typeCheck(appDir: string, typescript: string, flags: string[] = []): { ok: boolean; output: string } {
  const tsc = join(REPO, 'node_modules', typescript, 'bin', 'tsc');
  try {
    const output = execFileSync(process.execPath, [tsc, '-p', appDir, '--noEmit', '--pretty', 'false', ...flags], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** The version string of an installed TypeScript package. */
export function typescriptVersion(typescript: string): string {
  return (JSON.parse(readFileSync(join(REPO, 'node_modules', typescript, 'package.json'), 'utf8')) as { version: string }).version;
}

export { REPO };
