package validation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/webhook"
)

// TestGoValidators passes every row's object straight to the webhook's Go
// defaulter and validators, as the API server would after the schema: each
// is refused with its Go message, so that an object stored under an older,
// laxer schema is still refused. A row marked schemaOnly must instead be
// accepted, which keeps its reason honest.
func TestGoValidators(t *testing.T) {
	rows := mustLoadRows(t)
	readers := webhook.Readers{Cached: mgr.GetClient(), Live: mgr.GetAPIReader()}
	grants := &webhook.PrefixGrantValidator{Readers: readers, OperatorNamespace: operatorNamespace}
	defaulter := &webhook.PrefixGrantDefaulter{Readers: readers}
	connections := &webhook.S3ConnectionValidator{Readers: readers}
	for _, r := range rows {
		t.Run(r.Row, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			setUp(ctx, t, hooked, r)
			warnings, err := validateDirectly(ctx, r.Object, defaulter, grants, connections)
			switch {
			case r.SchemaOnly != "" && err != nil:
				t.Errorf("marked schemaOnly (%s), but the Go validator refuses it: %v", r.SchemaOnly, err)
			case r.SchemaOnly != "":
			case err == nil:
				t.Errorf("the Go validator accepted it (warnings %q)", warnings)
			case !strings.Contains(err.Error(), r.goExpect()):
				t.Errorf("refused, but the error lacks %q:\n%v", r.goExpect(), err)
			default:
				t.Log(err)
			}
		})
	}
}

// validateDirectly decodes obj into its Go type with the webhook server's
// decoder (case-sensitive; unknown fields dropped), and runs the defaulter and validator of its kind.
func validateDirectly(ctx context.Context, obj map[string]any, defaulter *webhook.PrefixGrantDefaulter,
	grants *webhook.PrefixGrantValidator, connections *webhook.S3ConnectionValidator) (admission.Warnings, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	decoder := admission.NewDecoder(mgr.GetScheme())
	switch kind := obj["kind"]; kind {
	case "PrefixGrant":
		g := &v1alpha1.PrefixGrant{}
		if err := decoder.DecodeRaw(runtime.RawExtension{Raw: raw}, g); err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		if err := defaulter.Default(ctx, g); err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		return grants.ValidateCreate(ctx, g)
	case "S3Connection":
		c := &v1alpha1.S3Connection{}
		if err := decoder.DecodeRaw(runtime.RawExtension{Raw: raw}, c); err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		return connections.ValidateCreate(ctx, c)
	default:
		return nil, fmt.Errorf("the table has no validator for kind %v", kind)
	}
}
