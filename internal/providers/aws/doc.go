// Package aws manages the inline IAM policies of AWS roles, for connections
// whose IAM mode is Apply: the controller puts the generated connection
// policy on iam.roleName and reads it back to detect drift.
//
// The package is named after the provider it serves; import it under another
// name (e.g. awsprovider) next to aws-sdk-go-v2's aws package.
package aws
