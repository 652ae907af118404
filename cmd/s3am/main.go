// Command s3am is the s3-access-manager binary: operator, server, policy tools.
package main

import (
	"os"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/internal/cli"
)

func main() {
	os.Exit(cli.Main(ctrl.SetupSignalHandler(), os.Args[1:], os.Stdout, os.Stderr))
}
