import { DBT_VERSION } from '../../../src/engine/render/render-context';
import { renderInContext } from '../../support/render-in-context';

function render(source: string): string {
  return renderInContext(source, { projectName: 'jaffle_shop' }).trim();
}

describe('the dbt context of a template', () => {
  it('names the project and the dbt version whose behaviour it follows', () => {
    expect(render('{{ project_name }}')).toBe('jaffle_shop');
    expect(render("{% if dbt_version.split('.')[0] | int >= 1 %}{{ dbt_version }}{% endif %}")).toBe(DBT_VERSION);
  });
});
