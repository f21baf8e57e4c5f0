// Prints the size of each function bundle and checks that the packaged CloudFormation embeds the very
// state machine definition in state-machines/ (after CloudFormation's own substitutions).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dir = path.join(root, '.serverless');
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.zip')).sort()) {
  console.log(`${file.padEnd(32)} ${(fs.statSync(path.join(dir, file)).size / 1024).toFixed(0).padStart(6)} KiB zipped`);
}
const template = JSON.parse(fs.readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
for (const file of fs.readdirSync(path.join(root, 'state-machines')).filter((f) => f.endsWith('.asl.json'))) {
  const definition = JSON.parse(fs.readFileSync(path.join(root, 'state-machines', file), 'utf8'));
  const machine = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine' && JSON.stringify(r.Properties.Definition) === JSON.stringify(definition),
  );
  if (!machine) {
    console.error(`state-machines/${file}: not found verbatim in the packaged CloudFormation`);
    process.exitCode = 1;
  } else {
    console.log(`state-machines/${file}: embedded verbatim (substitutions: ${Object.keys(machine.Properties.DefinitionSubstitutions ?? {}).join(', ')})`);
  }
}
