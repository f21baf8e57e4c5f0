// Fallbacks for serverless.yml parameters that must be given on the command line: `${param:x, file(./scripts/require-param.js):x}`.
// osls resolves the fallback only when the parameter is missing, and reports the thrown message.
function required(name, why) {
  return () => {
    throw new Error(`missing --param="${name}=…": ${why}`);
  };
}

module.exports = {
  alertEmail: required(
    'alertEmail',
    'the address the SNS alert topic emails (failing runs, dead-lettered arrivals). There is no default, so alerts never go to a placeholder; confirm the subscription email after the deploy (docs/deploying.md).',
  ),
};
