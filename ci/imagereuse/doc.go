// Package imagereuse decides, per image of a release, whether it must be
// built or can be reused: every image is addressed by a digest of exactly its
// build inputs (its filtered build context, Dockerfile path, target and build
// args, base image references included). The digest is published as the
// extra tag in-<digest>; when a registry already holds that tag the image is
// retagged to the release sha instead of being built again. It also says
// what each image's build context is (Spec), so the build reads exactly the
// files the digest covers, and keeps what one publish did with each image
// and when (Record, publish --format json; Merge combines the build
// matrix's records with the deploy job's). Plain Go: the Dagger module and
// the workflows call it.
package imagereuse
