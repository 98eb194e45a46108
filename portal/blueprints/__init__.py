"""One blueprint per feature; café features are nested in portal.tenancy.cafe_bp."""
