package demo

import (
	"context"
	"path/filepath"

	"github.com/s3am/s3-access-manager/internal/launch"
)

// minioServer is the MinIO the demo runs on loopback, with its root
// credentials, which the demo's connection uses.
type minioServer struct {
	*launch.MinIO
	AccessKey, SecretKey string
}

// startMinIO runs bin with its data in dir/minio.
func startMinIO(ctx context.Context, bin, dir string) (*minioServer, error) {
	m := &minioServer{AccessKey: "demo-" + launch.RandomHex(6), SecretKey: launch.RandomHex(20)}
	var err error
	m.MinIO, err = launch.StartMinIO(ctx, launch.MinIOOptions{
		Binary:       bin,
		DataDir:      filepath.Join(dir, "minio"),
		RootUser:     m.AccessKey,
		RootPassword: m.SecretKey,
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
