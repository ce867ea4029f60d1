"""Keys and signatures (no Qt, no SQL): the inspector's identity, shared by PDF reports and bundles."""
