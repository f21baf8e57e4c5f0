import { renderTemplate } from '../../../src/engine/jinja/environment';
import { buildRenderContext, DBT_VERSION } from '../../../src/engine/render/render-context';
import { RelationRef } from '../../../src/engine/render/relation';

function render(source: string): string {
  const context = buildRenderContext({
    target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' },
    vars: {},
    self: new RelationRef('analytics', 'orders'),
    invocationId: 'inv-1',
    runStartedAt: new Date(0),
    projectName: 'jaffle_shop',
    hooks: {
      ref: (name) => new RelationRef('analytics', name),
      source: (s, t) => new RelationRef(s, t),
      config: () => undefined,
      configValues: () => ({}),
      isIncremental: () => false,
    },
  });
  return renderTemplate(source, context, { file: 'models/orders.sql', macros: '' }).trim();
}

describe('the dbt context of a template', () => {
  it('names the project and the dbt version whose behaviour it follows', () => {
    expect(render('{{ project_name }}')).toBe('jaffle_shop');
    expect(render("{% if dbt_version.split('.')[0] | int >= 1 %}{{ dbt_version }}{% endif %}")).toBe(DBT_VERSION);
  });
});
