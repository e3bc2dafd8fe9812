"""Touchpoint ingestion: CloudEvents over HTTP and from `c360.ingress`, into `c360.interactions`."""
