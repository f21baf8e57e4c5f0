/**
 * The target schema from the project's dbt profile, as dbt would pick it: `profiles.yml` in
 * `DBT_PROFILES_DIR`, the project folder, or `~/.dbt`; the profile named in `dbt_project.yml`; its
 * `target` (or `--target`); the output's `schema`, with `{{ env_var(...) }}` rendered.
 * Only the schema is taken: connections come from landfall's own configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { renderTemplate } from '../engine/jinja/environment';

export interface ProfileTarget {
  file: string;
  targetName: string;
  schema: string;
  /** The profile's name in dbt_project.yml (`target.profile_name`). */
  profileName: string;
  /** The output's other fields, rendered (`dbname`/`database`, `user`, `threads`, `host`, …), secrets left out. */
  fields: Record<string, string | number | boolean>;
}

function envVar(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`Env var required but not provided: '${name}'`);
  return value;
}

/** Output fields that hold credentials: never handed to templates. */
const SECRET_FIELD = /pass|secret|token|private|key/i;

export function readProfileTarget(projectDir: string, targetName?: string): ProfileTarget | undefined {
  const candidates = [process.env.DBT_PROFILES_DIR, projectDir, path.join(os.homedir(), '.dbt')]
    .filter((d): d is string => Boolean(d))
    .map((d) => path.join(d, 'profiles.yml'));
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) return undefined;
  const project = yaml.load(fs.readFileSync(path.join(projectDir, 'dbt_project.yml'), 'utf8')) as { profile?: string } | undefined;
  const profiles = yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, { target?: string; outputs?: Record<string, Record<string, unknown>> }> | undefined;
  const profile = project?.profile ? profiles?.[project.profile] : undefined;
  if (!profile?.outputs) return undefined;
  const render = (value: string) => renderTemplate(value, { env_var: envVar }, { file }).trim();
  const name = targetName ?? (profile.target ? render(profile.target) : Object.keys(profile.outputs)[0]!);
  const output = profile.outputs[name];
  const schema = output?.schema;
  if (typeof schema !== 'string' || schema === '') return undefined;
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(output ?? {})) {
    if (SECRET_FIELD.test(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
    else if (typeof value === 'string') {
      const text = render(value);
      fields[key] = /^\d+$/.test(text) && (key === 'port' || key === 'threads') ? Number(text) : text;
    }
  }
  return { file, targetName: name, schema: render(schema), profileName: project!.profile!, fields };
}
