/** RenderPlans: renders the plans and statements AdvanceRun asks for (src/runtime/render-plans.ts); no AWS client. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsDialect } from '../src/runtime/aws-dialect';
import { renderPlans } from '../src/runtime/render-plans';

export const handler = taskHandler(async (event: unknown) => renderPlans(event, { manifest: awsManifest(), dialect: awsDialect() }));
