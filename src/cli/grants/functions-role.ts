/**
 * The IAM role the Data API functions run as, read from the deployment files (serverless.yml and the
 * serverless/*.yml it includes), so `landfall grants` and `landfall doctor` name the same database user the
 * deployed functions connect as.
 *
 * The role is the one whose policy allows `redshift-data:ExecuteStatement`: the provider role
 * (`provider.iam.role.name`) or an `AWS::IAM::Role` resource (`RoleName`, its inline policies or an
 * `AWS::IAM::Policy`/`ManagedPolicy` attached to it). Serverless variables the name uses are resolved for the
 * stage and region asked for; a provider role without a name gets osls's default name,
 * `<service>-<stage>-<region>-lambdaRole`, which changes with stage and region (hence pinning it).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { CLOUDFORMATION_YAML_SCHEMA } from '../../deploy/cloudformation-yaml';

export interface FunctionsRole {
  roleName: string;
  /** Where the name came from, for the comment `landfall grants` prints. */
  source: string;
  /** False when the role has no pinned name and osls's default name was assumed. */
  pinned: boolean;
}

export interface DeploymentContext {
  stage: string;
  region: string;
}

export class DeploymentFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentFilesError';
  }
}

type Yaml = Record<string, unknown>;

function loadYaml(file: string): Yaml {
  try {
    const value = yaml.load(fs.readFileSync(file, 'utf8'), { schema: CLOUDFORMATION_YAML_SCHEMA, filename: file });
    return value && typeof value === 'object' ? (value as Yaml) : {};
  } catch (error) {
    throw new DeploymentFilesError(`${file}: ${(error as Error).message}`);
  }
}

const asObject = (value: unknown): Yaml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The deployment's service name and parameter defaults, and the files it includes. */
export interface ServerlessConfig {
  service: string;
  params: Record<string, string>;
  main: Yaml;
  /** Every YAML document of the deployment: serverless.yml and serverless/*.yml. */
  documents: { file: string; content: Yaml }[];
}

export function readServerlessConfig(repoRoot: string): ServerlessConfig {
  const mainFile = path.join(repoRoot, 'serverless.yml');
  if (!fs.existsSync(mainFile)) throw new DeploymentFilesError(`no serverless.yml in ${repoRoot}`);
  const main = loadYaml(mainFile);
  const includedDir = path.join(repoRoot, 'serverless');
  const included = fs.existsSync(includedDir)
    ? fs.readdirSync(includedDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ file: path.join('serverless', f), content: loadYaml(path.join(includedDir, f)) }))
    : [];
  const params = Object.fromEntries(Object.entries(asObject(asObject(main.params).default)).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  const service = typeof main.service === 'string' ? main.service : String(asObject(main.service).name ?? 'landfall');
  return { service, params, main, documents: [{ file: 'serverless.yml', content: main }, ...included] };
}

/** Resolves the Serverless variables a role name may use; any other variable is an error naming it. */
export function resolveServerlessVariables(text: string, config: ServerlessConfig, context: DeploymentContext, where: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, inner: string) => {
    const name = inner.split(',')[0]!.trim();
    switch (name) {
      case 'self:service':
        return config.service;
      case 'sls:stage':
      case 'opt:stage':
      case 'self:provider.stage':
        return context.stage;
      case 'aws:region':
      case 'opt:region':
      case 'self:provider.region':
      case 'AWS::Region':
        return context.region;
      case 'AWS::StackName':
        return `${config.service}-${context.stage}`;
      default: {
        const param = /^param:(\w+)$/.exec(name);
        if (param && config.params[param[1]!] !== undefined) return config.params[param[1]!]!;
        throw new DeploymentFilesError(`${where}: cannot resolve ${whole} in the role name '${text}' (known: self:service, sls:stage, opt:stage, aws:region, opt:region, param:<default>)`);
      }
    }
  });
}

function statementsAllowExecute(statements: unknown): boolean {
  return asArray(statements).some((s) => {
    const statement = asObject(s);
    if (statement.Effect !== 'Allow') return false;
    return asArray(statement.Action).some((a) => a === 'redshift-data:ExecuteStatement' || a === 'redshift-data:*');
  });
}

function nameText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const sub = asObject(value)['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  return undefined;
}

/**
 * @throws DeploymentFilesError when no role (or more than one) allows ExecuteStatement, or its name uses a
 * variable this reader does not know.
 * @example
 * functionsRoleName('.', { stage: 'prod', region: 'eu-west-1' });
 * // { roleName: 'landfall-prod-eu-west-1-data-api', source: 'serverless.yml provider.iam.role.name', pinned: true }
 */
export function functionsRoleName(repoRoot: string, context: DeploymentContext): FunctionsRole {
  const config = readServerlessConfig(repoRoot);
  const found: { name?: string; source: string }[] = [];

  const providerRole = asObject(asObject(asObject(config.main.provider).iam).role);
  if (statementsAllowExecute(providerRole.statements)) {
    found.push({ name: nameText(providerRole.name), source: 'serverless.yml provider.iam.role.name' });
  }

  for (const { file, content } of config.documents) {
    const resources = { ...asObject(content.Resources), ...asObject(asObject(content.resources).Resources) };
    for (const [logicalId, value] of Object.entries(resources)) {
      const resource = asObject(value);
      const properties = asObject(resource.Properties);
      if (resource.Type === 'AWS::IAM::Role') {
        const inline = asArray(properties.Policies).some((p) => statementsAllowExecute(asObject(asObject(p).PolicyDocument).Statement));
        const attached = config.documents.some(({ content: other }) =>
          Object.values({ ...asObject(other.Resources), ...asObject(asObject(other.resources).Resources) }).some((candidate) => {
            const policy = asObject(candidate);
            if (policy.Type !== 'AWS::IAM::Policy' && policy.Type !== 'AWS::IAM::ManagedPolicy') return false;
            const roles = asArray(asObject(policy.Properties).Roles);
            const attachedHere = roles.some((r) => asObject(r).Ref === logicalId || r === nameText(properties.RoleName));
            return attachedHere && statementsAllowExecute(asObject(asObject(policy.Properties).PolicyDocument).Statement);
          }),
        );
        if (inline || attached) found.push({ name: nameText(properties.RoleName), source: `${file} ${logicalId}.Properties.RoleName` });
      }
    }
  }

  if (found.length === 0) throw new DeploymentFilesError('no IAM role in serverless.yml or serverless/*.yml allows redshift-data:ExecuteStatement: which role do the functions run as?');
  if (found.length > 1) throw new DeploymentFilesError(`more than one IAM role allows redshift-data:ExecuteStatement (${found.map((f) => f.source).join(', ')}): statements are owned per role, so every function that submits or polls them must share one`);
  const [role] = found as [{ name?: string; source: string }];
  if (role.name === undefined) {
    if (role.source.startsWith('serverless.yml provider')) {
      return { roleName: `${config.service}-${context.stage}-${context.region}-lambdaRole`, source: 'osls default name of the provider role (provider.iam.role.name is not set)', pinned: false };
    }
    throw new DeploymentFilesError(`${role.source} is not set: pin the role name so the database user IAMR:<name> is known before the deploy`);
  }
  return { roleName: resolveServerlessVariables(role.name, config, context, role.source), source: role.source, pinned: true };
}
