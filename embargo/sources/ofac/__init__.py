"""US Treasury OFAC formats: legacy CSV, sdnList XML, ENHANCED_XML."""
