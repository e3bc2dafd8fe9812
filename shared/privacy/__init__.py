"""Personal data in the log: per-customer data keys (crypto-shredding), sealing and opening."""
