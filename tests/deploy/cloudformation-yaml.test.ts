/** The CloudFormation YAML schema both deployment readers use: short tags in long form, on every kind of node. */
import * as yaml from 'js-yaml';
import { CLOUDFORMATION_YAML_SCHEMA } from '../../src/deploy/cloudformation-yaml';

const load = (text: string) => yaml.load(text, { schema: CLOUDFORMATION_YAML_SCHEMA });

describe('CLOUDFORMATION_YAML_SCHEMA', () => {
  it('loads scalar short tags as their long form; !GetAtt splits on the dot; Ref and Condition keep their name', () => {
    expect(load('a: !Ref Bucket\nb: !GetAtt Queue.Arn\nc: !Condition IsProd\nd: !Sub "${AWS::Region}-x"')).toEqual({
      a: { Ref: 'Bucket' },
      b: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      c: { Condition: 'IsProd' },
      d: { 'Fn::Sub': '${AWS::Region}-x' },
    });
  });

  it('loads sequence and mapping short tags, nested', () => {
    expect(load('a: !Join ["-", [!Ref A, b]]\nb: !Transform { Name: AWS::Include, Parameters: { Location: s3://x } }')).toEqual({
      a: { 'Fn::Join': ['-', [{ Ref: 'A' }, 'b']] },
      b: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://x' } } },
    });
  });

  it('keeps merge keys', () => {
    expect(load('base: &b { x: 1 }\nderived: { <<: *b, y: 2 }')).toEqual({ base: { x: 1 }, derived: { x: 1, y: 2 } });
  });
});
