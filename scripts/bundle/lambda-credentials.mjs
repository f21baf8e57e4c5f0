// Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (esbuild alias in esbuild.config.js).
// Lambda always hands the execution role's credentials to the function as AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ("Defined runtime environment variables",
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
// so the default chain's SSO, INI, process, web-identity and IMDS providers (and the STS/SSO clients they
// bundle, ~90 KiB minified) are dead code there. A missing variable fails with the SDK's own
// CredentialsProviderError naming them.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
