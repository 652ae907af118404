package webhook

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// TestSamplesPassTheGoChecks: every object in config/samples is well formed
// for the webhook too, not only for the schema.
func TestSamplesPassTheGoChecks(t *testing.T) {
	dir, err := repo.Path("config", "samples")
	if err != nil {
		t.Fatal(err)
	}
	files, err := yamldocs.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	decode := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		obj, _, err := decode(j, nil, nil)
		if runtime.IsNotRegisteredError(err) {
			continue // Namespaces
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		switch o := obj.(type) {
		case *v1alpha1.PrefixGrant:
			if errs := validatePrefixGrantSpec(&o.Spec); len(errs) > 0 {
				t.Errorf("%s: %v", filepath.Base(f), errs.ToAggregate())
			}
		case *v1alpha1.S3Connection:
			if errs := validateS3ConnectionSpec(&o.Spec); len(errs) > 0 {
				t.Errorf("%s: %v", filepath.Base(f), errs.ToAggregate())
			}
		}
		checked++
	}
	if checked == 0 {
		t.Error("no PrefixGrant or S3Connection among the samples")
	}
}
