// Package delegation decides whether a namespace may create a PrefixGrant on a
// bucket and prefix of an S3Connection.
//
// The operator's own namespace may grant anything. Any other namespace needs a
// delegation of the connection that selects it, by name or by label, with a
// scope covering the grant. The admission webhook asks before a grant is
// stored; the PrefixGrant controller asks again whenever the grant, the
// connection or the namespace changes, because delegations can be narrowed
// after a grant was admitted. Both must decide alike, so the rule lives here,
// free of admission and controller types.
package delegation
