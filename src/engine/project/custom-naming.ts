/**
 * dbt's `generate_schema_name` and `generate_alias_name` overrides: when a project defines either macro,
 * every model, seed and stored-failures relation is named by rendering it with the node, as dbt-core does;
 * otherwise dbt's defaults apply without rendering (`<target schema>_<custom schema>`, the alias or the name).
 */
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { parseTimeContext } from '../render/render-context';
import type { Target } from '../target';
import { ProjectError } from '../errors';

/** What dbt's naming macros see as `node`. */
export interface NamingNode {
  name: string;
  resource_type: 'model' | 'seed' | 'test';
  unique_id: string;
  package_name: string;
  fqn: string[];
  /** The file under its resource path, e.g. `staging/stg_orders.sql`. */
  path: string;
  original_file_path: string;
  config: Record<string, unknown>;
  tags: string[];
}

export interface CustomNaming {
  schema(custom: unknown, node: NamingNode): string;
  alias(custom: unknown, node: NamingNode): string;
}

const defines = (source: string, name: string) => new RegExp(`\\{%-?\\s*macro\\s+${name}\\s*\\(`).test(source);

/**
 * The node a naming macro is given, from a file's project-relative and resource-relative paths.
 *
 * @example
 * namingNode('model', 'shop', 'stg_orders', 'models/staging/stg_orders.sql', 'staging/stg_orders.sql', { materialized: 'view' })
 * // fqn ['shop', 'staging', 'stg_orders']
 */
export function namingNode(resourceType: NamingNode['resource_type'], projectName: string, name: string, file: string, relative: string, config: Record<string, unknown>): NamingNode {
  const folders = relative.split('/').slice(0, -1);
  return {
    name,
    resource_type: resourceType,
    unique_id: `${resourceType}.${projectName}.${name}`,
    package_name: projectName,
    fqn: [projectName, ...folders, name],
    path: relative,
    original_file_path: file,
    config,
    tags: Array.isArray(config.tags) ? config.tags.map(String) : config.tags === undefined ? [] : [String(config.tags)],
  };
}

/**
 * Schema and alias naming for a project: dbt's defaults, or the project's `generate_schema_name` /
 * `generate_alias_name` macros rendered per node (with `target`, `var`, `env_var` and the other macros).
 */
export function customNaming(inputs: { macroSource: string; target: Target; vars: Record<string, unknown>; now?: Date }): CustomNaming {
  const { macroSource, target, vars } = inputs;
  const render = (macro: string, custom: unknown, node: NamingNode): string => {
    const context = {
      ...parseTimeContext({ target, vars, now: inputs.now, where: macro, configValues: () => node.config }),
      __landfall_custom: custom === undefined || custom === '' ? null : custom,
      __landfall_node: node,
    };
    try {
      return renderTemplate(`{{ ${macro}(__landfall_custom, __landfall_node) }}`, context, { file: node.original_file_path, macros: `${macroSource}\n` }).trim();
    } catch (error) {
      if (error instanceof TemplateRenderError) throw new ProjectError(node.original_file_path, `${macro}: ${error.detail}`);
      throw error;
    }
  };
  const customSchema = defines(macroSource, 'generate_schema_name');
  const customAlias = defines(macroSource, 'generate_alias_name');
  return {
    schema: (custom, node) => {
      if (customSchema) return render('generate_schema_name', custom, node);
      return typeof custom === 'string' && custom !== '' ? `${target.schema}_${custom.trim()}` : target.schema;
    },
    alias: (custom, node) => {
      if (customAlias) return render('generate_alias_name', custom, node);
      return typeof custom === 'string' && custom !== '' ? custom.trim() : node.name;
    },
  };
}
