// Package config embeds the generated CRDs, the webhook configuration and the
// samples, so that `s3am demo` installs exactly what config/ holds.
package config

import "embed"

// Files holds crd/bases, webhook/manifests.yaml and samples.
//
//go:embed crd/bases/*.yaml webhook/manifests.yaml samples/*.yaml
var Files embed.FS
