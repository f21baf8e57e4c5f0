/**
 * Reads the CloudFormation resources serverless.yml deploys (its inline `resources` and the serverless/*.yml files it
 * includes with `${file(…)}`), without osls, so the local stack and tests can check the very wiring that ships:
 * CloudFormation short tags load as their long form, `${file(x)}` values load the file, and `${self:service}` /
 * `${sls:stage}` / `${aws:region}` / `${param:x}` are substituted for a given stage. Intrinsics are resolved on
 * demand by {@link resolveIntrinsics} for the few resource types the local stack models.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { CLOUDFORMATION_YAML_SCHEMA } from './cloudformation-yaml';

export type TemplateValue = unknown;
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
}

export interface DeploymentScope {
  stage: string;
  region: string;
  accountId: string;
  /** Values of `${param:x}`; missing ones fall back to serverless.yml's `params.default`. */
  params?: Record<string, string>;
}

export class ServerlessTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerlessTemplateError';
  }
}

/** A deployment YAML file with CloudFormation short tags (`!Ref x` → `{ Ref: 'x' }`, `!GetAtt a.b` → `{ 'Fn::GetAtt': ['a', 'b'] }`). */
export function loadYamlFile(file: string): Record<string, unknown> {
  try {
    const value = yaml.load(fs.readFileSync(file, 'utf8'), { schema: CLOUDFORMATION_YAML_SCHEMA, filename: file });
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch (error) {
    throw new ServerlessTemplateError(`${file}: ${(error as Error).message}`);
  }
}

/** The deployment as serverless.yml describes it for one stage: every CloudFormation resource, by logical id. */
export class ServerlessTemplate {
  readonly service: string;
  readonly resources: Record<string, TemplateResource> = {};
  private readonly params: Record<string, string>;

  constructor(
    readonly repoRoot: string,
    readonly scope: DeploymentScope,
  ) {
    const main = loadYamlFile(path.join(repoRoot, 'serverless.yml'));
    this.service = String(main.service);
    const defaults = ((main.params as { default?: Record<string, unknown> } | undefined)?.default ?? {}) as Record<string, unknown>;
    this.params = { ...Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, String(v ?? '')])), ...scope.params };
    const blocks = Array.isArray(main.resources) ? main.resources : [main.resources];
    for (const block of blocks) {
      const content = this.resolveVariables(block, 'serverless.yml resources') as { Resources?: Record<string, TemplateResource> } | undefined;
      Object.assign(this.resources, content?.Resources ?? {});
    }
  }

  resource(logicalId: string, type?: string): TemplateResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new ServerlessTemplateError(`serverless.yml deploys no resource ${logicalId}`);
    if (type && resource.Type !== type) throw new ServerlessTemplateError(`${logicalId} is a ${resource.Type}, not a ${type}`);
    return resource;
  }

  /** Physical ARN of a resource the local stack models, as CloudFormation's `Fn::GetAtt [id, Arn]` would give it. */
  arnOf(logicalId: string): string {
    const { region, accountId } = this.scope;
    const resource = this.resource(logicalId);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${accountId}:${String(props.QueueName ?? logicalId)}`;
      case 'AWS::Events::Rule': {
        // CloudFormation names an unnamed rule after the stack and logical id (plus a random suffix, left out here).
        const name = String(props.Name ?? `${this.service}-${this.scope.stage}-${logicalId}`);
        const bus = props.EventBusName === undefined ? undefined : this.resolveIntrinsics(props.EventBusName);
        return `arn:aws:events:${region}:${accountId}:rule/${bus && bus !== 'default' ? `${String(bus)}/` : ''}${name}`;
      }
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${region}:${accountId}:event-bus/${String(props.Name)}`;
      default:
        throw new ServerlessTemplateError(`${logicalId}: the ARN of a ${resource.Type} is not modelled locally`);
    }
  }

  /** Replaces Ref / Fn::GetAtt Arn / Fn::Sub of the modelled resources and pseudo parameters with their values. */
  resolveIntrinsics(value: TemplateValue): TemplateValue {
    if (Array.isArray(value)) return value.map((item) => this.resolveIntrinsics(item));
    if (!value || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === 'Ref') return this.ref(String(object.Ref));
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new ServerlessTemplateError(`Fn::GetAtt ${id}.${attribute} is not modelled locally`);
      return this.arnOf(id);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub' && typeof object['Fn::Sub'] === 'string') {
      return (object['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_whole, name: string) =>
        name.endsWith('.Arn') ? this.arnOf(name.slice(0, -4)) : String(this.ref(name)));
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, this.resolveIntrinsics(v)]));
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::AccountId':
        return this.scope.accountId;
      case 'AWS::Region':
        return this.scope.region;
      case 'AWS::Partition':
        return 'aws';
      default: {
        const resource = this.resource(name);
        if (resource.Type === 'AWS::Events::EventBus') return String(resource.Properties?.Name);
        if (resource.Type === 'AWS::SQS::Queue') return `https://sqs.${this.scope.region}.amazonaws.com/${this.scope.accountId}/${String(resource.Properties?.QueueName)}`;
        throw new ServerlessTemplateError(`Ref ${name} (${resource.Type}) is not modelled locally`);
      }
    }
  }

  /** Serverless variables: `${file(x)}` (whole value), `${self:service}`, `${sls:stage}`, `${aws:region}`, `${param:x}`. */
  private resolveVariables(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolveVariables(item, where));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveVariables(v, `${where}.${k}`)]));
    }
    if (typeof value !== 'string') return value;
    const include = /^\$\{file\(\.?\/?([^)]+)\)\}$/.exec(value);
    if (include) {
      const file = path.join(this.repoRoot, include[1]!);
      if (!fs.existsSync(file)) throw new ServerlessTemplateError(`${where}: ${value} names a missing file`);
      const content = file.endsWith('.json') ? JSON.parse(fs.readFileSync(file, 'utf8')) : loadYamlFile(file);
      return this.resolveVariables(content, include[1]!);
    }
    return value.replace(/\$\{(self:service|sls:stage|opt:stage|aws:region|param:[A-Za-z0-9]+)[^}]*\}/g, (whole: string, name: string) => {
      if (name === 'self:service') return this.service;
      if (name === 'sls:stage' || name === 'opt:stage') return this.scope.stage;
      if (name === 'aws:region') return this.scope.region;
      const param = name.slice('param:'.length);
      // A parameter without a value (alertEmail) stays as written: only what the local stack models is resolved.
      return this.params[param] ?? whole;
    });
  }
}
