// Package deploy checks the AWS SAM template (template.yaml at the repository root)
// against the code it deploys: functions, configuration, permissions, event sources, the
// table's keys and indexes. It has tests only; `sam build && sam deploy --guided` deploys.
package deploy
