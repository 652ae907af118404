package demo

import (
	"fmt"

	"github.com/s3am/s3-access-manager/server/auth"
)

// AdminGroup may query the demo's audit trail.
const AdminGroup = "s3am-admins"

// checkLoopback refuses a listen address that is not on loopback: the demo
// lets anyone sign in as its users, and trusts identity headers from any
// local process, which is only safe there.
func checkLoopback(listen string) error {
	if err := auth.CheckLoopback(listen); err != nil {
		return fmt.Errorf("--listen: the demo binds to a loopback address only: %w", err)
	}
	return nil
}
