/**
 * A local CloudFormation endpoint (AWS Query protocol) with the read operations `landfall doctor` uses:
 * DescribeStacks and ListStackResources, over stacks the local stack registers (what it started stands for
 * what the template deploys: its outputs and its resources' physical ids). An unknown stack answers as AWS
 * does: `ValidationError`, "Stack with id X does not exist" (400).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
import { randomUUID } from 'node:crypto';
import { LocalAwsError } from './errors';
import { offsetPage } from './offset-pages';
import { type QueryRoute, queryRoutes, requiredString } from './protocol-routes';

export const CLOUDFORMATION_XML_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface LocalStackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

export interface LocalStackDescription {
  name: string;
  outputs: Record<string, string>;
  resources: LocalStackResource[];
  /** Default CREATE_COMPLETE. */
  status?: string;
}

class StackNotFoundError extends LocalAwsError {
  constructor(name: string) {
    super('ValidationError', `Stack with id ${name} does not exist`, 400);
    this.name = 'StackNotFoundError';
  }
}

/** ListStackResources returns at most 100 summaries per page. */
const PAGE_SIZE = 100;

export class LocalCloudFormation {
  private readonly stacks = new Map<string, LocalStackDescription & { id: string; createdAt: Date }>();

  constructor(private readonly accountId = '000000000000', private readonly region = 'us-east-1') {}

  /** Registers (or replaces) a stack, as a deploy would. */
  putStack(stack: LocalStackDescription): void {
    const existing = this.stacks.get(stack.name);
    this.stacks.set(stack.name, {
      ...stack,
      id: existing?.id ?? `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stack.name}/${randomUUID()}`,
      createdAt: existing?.createdAt ?? new Date(),
    });
  }

  private stack(form: Record<string, string>) {
    const name = requiredString(form.StackName, 'stackName', (m) => new LocalAwsError('ValidationError', m));
    const stack = this.stacks.get(name) ?? [...this.stacks.values()].find((s) => s.id === name);
    if (!stack) throw new StackNotFoundError(name);
    return stack;
  }

  /** Routes by `Action` for `startLocalCloud({ queryRoutes })`. */
  readonly queryRoutes: Record<string, QueryRoute> = queryRoutes(CLOUDFORMATION_XML_NAMESPACE, {
    DescribeStacks: async (form) => {
      const stack = this.stack(form);
      return {
        Stacks: [{
          StackId: stack.id,
          StackName: stack.name,
          CreationTime: stack.createdAt,
          StackStatus: stack.status ?? 'CREATE_COMPLETE',
          Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        }],
      };
    },
    ListStackResources: async (form) => {
      const stack = this.stack(form);
      const { page, nextToken } = offsetPage(stack.resources, form.NextToken, PAGE_SIZE, () => new LocalAwsError('ValidationError', 'Invalid NextToken'));
      return {
        StackResourceSummaries: page.map((r) => ({
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          LastUpdatedTimestamp: stack.createdAt,
          ResourceStatus: 'CREATE_COMPLETE',
        })),
        NextToken: nextToken,
      };
    },
  });
}
