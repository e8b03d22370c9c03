/*
 * test_config_cases: the tables of test_config.c. Each entry is BASE (see
 * test_config.c: lines 1..12 of a valid one-circuit config) with its first
 * `from` replaced by `to` and `append` added (from NULL: `to` is the whole
 * text), and the exact diagnostics the loader must print for it.
 * Included once, by test_config.c.
 */

/* Refused configs: the whole diagnostic output. */
static const struct bad_case bad_cases[] = {
        {"asn_zero", "asn: 65100", "asn: 0", "",
         "t.yaml:1:6: error: asn: 0 is reserved (RFC 7607) and cannot be used\n"},
        {"asn_as_trans", "asn: 65100", "asn: 23456", "",
         "t.yaml:1:6: error: asn: 23456 is AS_TRANS (RFC 6793), a placeholder for 4-octet ASNs, "
         "not a real ASN\n"},
        {"asn_65535", "asn: 65100", "asn: 65535", "",
         "t.yaml:1:6: error: asn: 65535 is reserved (RFC 7300) and cannot be used\n"},
        {"asn_last", "asn: 65100", "asn: 4294967295", "",
         "t.yaml:1:6: error: asn: 4294967295 is reserved (RFC 7300) and cannot be used\n"},
        {"asn_too_big", "asn: 65100", "asn: 4294967296", "",
         "t.yaml:1:6: error: asn: 4294967296 is out of range: an ASN is 1..4294967294\n"},
        {"asn_provider", "asn: 65100", "asn: 12076", "",
         "t.yaml:1:6: error: asn: 12076 is one of the provider's ASNs (12076, 8074, 8075); use "
         "your own public ASN or a private one greater than 65000\n"},
        {"asn_provider_8075", "asn: 65100", "asn: 8075", "",
         "t.yaml:1:6: error: asn: 8075 is one of the provider's ASNs (12076, 8074, 8075); use your "
         "own public ASN or a private one greater than 65000\n"},
        {"asn_private_low", "asn: 65100", "asn: 64600", "",
         "t.yaml:1:6: error: asn: 64600 is a private ASN not greater than 65000; the guide "
         "requires a public ASN you own or a private ASN greater than 65000\n"},
        {"asn_private_65000", "asn: 65100", "asn: 65000", "",
         "t.yaml:1:6: error: asn: 65000 is a private ASN not greater than 65000; the guide "
         "requires a public ASN you own or a private ASN greater than 65000\n"},
        {"asn_not_number", "asn: 65100", "asn: abc", "",
         "t.yaml:1:6: error: asn: expected an AS number like 65520, got 'abc'\n"},
        {"asn_asdot_range", "asn: 65100", "asn: 1.70000", "",
         "t.yaml:1:6: error: asn: 1.70000 is out of range: both halves of an asdot ASN are "
         "0..65535 (RFC 5396)\n"},
        {"asn_list", "asn: 65100", "asn: [65100]", "",
         "t.yaml:1:6: error: asn: expected an AS number like 65520, got a list\n"},
        {"provider_asn_is_ours", "    md5-key:",
         "    provider-asn: 65100\n"
         "    md5-key:",
         "",
         "t.yaml:4:19: warning: provider-asn: 65100 is not 12076, the ASN the provider uses on "
         "every ExpressRoute peering\n"
         "t.yaml:4:19: error: provider-asn: 65100 is also asn; the sessions with the provider are "
         "eBGP\n"},
        {"provider_asn_as_trans", "    md5-key:",
         "    provider-asn: 23456\n"
         "    md5-key:",
         "",
         "t.yaml:4:19: error: provider-asn: 23456 is AS_TRANS (RFC 6793), a placeholder for "
         "4-octet ASNs, not a real ASN\n"},
        {"provider_asn_8075", "    md5-key:",
         "    provider-asn: 8075\n"
         "    md5-key:",
         "",
         "t.yaml:4:19: error: provider-asn: 8075 is the provider's ASN elsewhere, not on "
         "ExpressRoute, whose every peering uses 12076 (8075 instead of 12076 is a common "
         "mistake): write provider-asn: 12076 or remove the line\n"},
        {"md5_key_short", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcde", "",
         "t.yaml:4:14: error: md5-key: must be exactly 32 hexadecimal digits (the guide: a 16-byte "
         "value written as 32 hex digits); this one has 31 characters\n"},
        {"md5_key_not_hex", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdeg",
         "",
         "t.yaml:4:14: error: md5-key: must be exactly 32 hexadecimal digits (the guide: a 16-byte "
         "value written as 32 hex digits); this one has characters that are not hex digits\n"},
        {"md5_two_sources", "    links:",
         "    md5-password: secret\n"
         "    links:",
         "",
         "t.yaml:5:19: error: md5-password: md5-key is already set at line 4; use only one of "
         "md5-key, md5-key-file, md5-password\n"},
        {"md5_key_file_missing", "md5-key: 0123456789abcdef0123456789abcdef",
         "md5-key-file: /nonexistent/cebgp.key", "",
         "t.yaml:4:19: error: md5-key-file: cannot open /nonexistent/cebgp.key: No such file or "
         "directory\n"},
        {"subnet_not_30", "172.16.1.0/30", "172.16.1.0/29", "",
         "t.yaml:11:25: error: primary-subnet: 172.16.1.0/29 is a /29; each BGP subnet must be "
         "exactly a /30 (the guide: four /30 subnets)\n"},
        {"subnet_host_bits", "172.16.1.0/30", "172.16.1.1/30", "",
         "t.yaml:11:25: error: primary-subnet: 172.16.1.1/30 has host bits set; did you mean "
         "172.16.1.0/30? 172.16.1.1 is your address (the first usable; the provider's is "
         "172.16.1.2): write the subnet, not the address\n"},
        {"subnet_ipv6", "172.16.1.0/30", "2a10:ce00:1::/126", "",
         "t.yaml:11:25: error: primary-subnet: 2a10:ce00:1::/126 is an IPv6 prefix; write the IPv6 "
         "/126 as primary-subnet-v6 and keep the IPv4 /30 here\n"},
        {"subnet_host_is_provider", "172.16.1.0/30", "172.16.1.2/30", "",
         "t.yaml:11:25: error: primary-subnet: 172.16.1.2/30 has host bits set; did you mean "
         "172.16.1.0/30? 172.16.1.2 is the provider's address (the second usable); yours is "
         "172.16.1.1, the first usable\n"},
        {"subnet_host_is_ours", "172.16.2.0/30", "172.16.2.1/30", "",
         "t.yaml:12:27: error: secondary-subnet: 172.16.2.1/30 has host bits set; did you mean "
         "172.16.2.0/30? 172.16.2.1 is your address (the first usable; the provider's is "
         "172.16.2.2): write the subnet, not the address\n"},
        {"subnet6_not_126", "", "",
         "        primary-subnet-v6: 2a10:ce00:1::/64\n"
         "        secondary-subnet-v6: 2a10:ce00:2::/126\n",
         "t.yaml:13:28: error: primary-subnet-v6: 2a10:ce00:1::/64 is a /64; each IPv6 BGP subnet "
         "must be exactly a /126 (the provider: two /126 subnets per peering)\n"},
        {"subnet6_ipv4", "", "",
         "        primary-subnet-v6: 172.16.9.0/30\n"
         "        secondary-subnet-v6: 2a10:ce00:2::/126\n",
         "t.yaml:13:28: error: primary-subnet-v6: 172.16.9.0/30 is an IPv4 prefix; the IPv4 /30 "
         "goes in primary-subnet\n"},
        {"subnet6_host_is_provider", "", "",
         "        primary-subnet-v6: 2a10:ce00:1::2/126\n"
         "        secondary-subnet-v6: 2a10:ce00:2::/126\n",
         "t.yaml:13:28: error: primary-subnet-v6: 2a10:ce00:1::2/126 has host bits set; did you "
         "mean 2a10:ce00:1::/126? 2a10:ce00:1::2 is the provider's address (the second usable); "
         "yours is 2a10:ce00:1::1, the first usable\n"},
        {"subnet6_garbage", "", "",
         "        primary-subnet-v6: 2a10:ce00:1::/\n"
         "        secondary-subnet-v6: 2a10:ce00:2::/126\n",
         "t.yaml:13:28: error: primary-subnet-v6: '2a10:ce00:1::/' has an invalid prefix length; "
         "expected a /126 like 2a10:ce00:1::/126\n"},
        {"subnet6_missing_secondary", "", "", "        primary-subnet-v6: 2a10:ce00:1::/126\n",
         "t.yaml:9:7: error: peerings.private: missing secondary-subnet-v6 (the peering has a "
         "primary-subnet-v6 and the circuit a secondary link); give both /126s or neither\n"},
        {"subnet6_overlap", "", "",
         "        primary-subnet-v6: 2a10:ce00:1::/126\n"
         "        secondary-subnet-v6: 2a10:ce00:1::/126\n",
         "t.yaml:14:30: error: secondary-subnet-v6: 2a10:ce00:1::/126 overlaps the private "
         "primary-subnet-v6 at line 13; the /126s of a circuit must be pairwise disjoint\n"},
        {"announce6_overlaps_subnet6", "", "",
         "        primary-subnet-v6: 2a10:ce00:1::/126\n"
         "        secondary-subnet-v6: 2a10:ce00:2::/126\n"
         "        announce: [2a10:ce00::/32]\n",
         "t.yaml:15:20: error: announce: 2a10:ce00::/32 overlaps the private primary-subnet-v6 "
         "2a10:ce00:1::/126 (line 13); the guide: the BGP subnets cannot overlap on-premises or "
         "virtual networks\n"},
        {"max_prefixes_v6_zero", "", "", "        max-prefixes-v6: 0\n",
         "t.yaml:13:26: error: max-prefixes-v6: 0 is out of range: expected 1..1000000\n"},
        {"subnet_garbage", "172.16.1.0/30", "172.16.1/30", "",
         "t.yaml:11:25: error: primary-subnet: '172.16.1/30' is not a prefix; expected a /30 like "
         "172.16.1.0/30\n"},
        {"subnet_no_length", "172.16.1.0/30", "172.16.1.0", "",
         "t.yaml:11:25: error: primary-subnet: '172.16.1.0' has no prefix length; expected a /30 "
         "like 172.16.1.0/30\n"},
        {"subnet_list", "172.16.1.0/30", "[172.16.1.0/30]", "",
         "t.yaml:11:25: error: primary-subnet: expected a /30 like 172.16.1.0/30, got a list\n"},
        {"subnets_overlap", "172.16.2.0/30", "172.16.1.0/30", "",
         "t.yaml:12:27: error: secondary-subnet: 172.16.1.0/30 overlaps the private primary-subnet "
         "at line 11; the /30s of a circuit must be pairwise disjoint\n"},
        {"subnets_overlap_peerings", "", "",
         "      public:\n"
         "        vlan: 556\n"
         "        primary-subnet: 172.16.1.4/30\n"
         "        secondary-subnet: 172.16.2.0/30\n",
         "t.yaml:16:27: error: secondary-subnet: 172.16.2.0/30 overlaps the private "
         "secondary-subnet at line 12; the /30s of a circuit must be pairwise disjoint\n"},
        {"subnets_overlap_circuits", "", "",
         "  - name: c2\n"
         "    md5-key: 0123456789abcdef0123456789abcdef\n"
         "    links:\n"
         "      primary: { interface: eth2 }\n"
         "    peerings:\n"
         "      private:\n"
         "        vlan: 700\n"
         "        primary-subnet: 172.16.2.0/30\n",
         "t.yaml:20:25: error: primary-subnet: 172.16.2.0/30 overlaps the private secondary-subnet "
         "of circuit c1 at line 12; every session needs its own /30\n"},
        {"announce_overlaps_subnet", "", "", "        announce: [10.10.0.0/16, 172.16.0.0/16]\n",
         "t.yaml:13:34: error: announce: 172.16.0.0/16 overlaps the private primary-subnet "
         "172.16.1.0/30 (line 11); the guide: the BGP subnets cannot overlap on-premises or "
         "virtual networks\n"},
        /* Public peering: an entry containing private or shared space. */
        {"announce_public_contains_rfc1918", "", "",
         "      public:\n"
         "        vlan: 556\n"
         "        primary-subnet: 172.16.1.4/30\n"
         "        secondary-subnet: 172.16.2.4/30\n"
         "        announce: [20.0.0.0/24, 8.0.0.0/6]\n",
         "t.yaml:17:33: error: announce: 8.0.0.0/6 contains RFC 1918 space 10.0.0.0/8, which no "
         "customer owns and public peering never carries: list only the public blocks you "
         "own\n"},
        {"announce_public_contains_rfc6598", "", "",
         "      public:\n"
         "        vlan: 556\n"
         "        primary-subnet: 172.16.1.4/30\n"
         "        secondary-subnet: 172.16.2.4/30\n"
         "        announce: [100.0.0.0/8]\n",
         "t.yaml:17:20: error: announce: 100.0.0.0/8 contains RFC 6598 space 100.64.0.0/10, which "
         "no customer owns and public peering never carries: list only the public blocks you "
         "own\n"},
        {"announce_host_bits", "", "", "        announce: [10.10.0.1/16]\n",
         "t.yaml:13:20: error: announce: 10.10.0.1/16 has host bits set; did you mean "
         "10.10.0.0/16?\n"},
        {"announce_scalar", "", "", "        announce: 10.10.0.0/16\n",
         "t.yaml:13:19: error: announce: expected a list of prefixes, got '10.10.0.0/16'\n"},
        {"announce_mapping_item", "", "",
         "        announce:\n"
         "          - { prefix: 10.10.0.0/16 }\n",
         "t.yaml:14:13: error: announce: expected ADDRESS/LENGTH like 10.10.0.0/16 or "
         "2a10:ce10::/48, got a mapping\n"},
        {"announce_bad_length", "", "", "        announce: [10.10.0.0/33]\n",
         "t.yaml:13:20: error: announce: '10.10.0.0/33' has an invalid prefix length; expected "
         "ADDRESS/LENGTH like 10.10.0.0/16 or 2a10:ce10::/48\n"},
        {"vlan_zero", "vlan: 555", "vlan: 0", "",
         "t.yaml:10:15: error: vlan: 0 is out of range: a VLAN ID is 1..4094 (IEEE 802.1Q)\n"},
        {"vlan_4095", "vlan: 555", "vlan: 4095", "",
         "t.yaml:10:15: error: vlan: 4095 is out of range: a VLAN ID is 1..4094 (IEEE 802.1Q)\n"},
        {"vlan_string", "vlan: 555", "vlan: five", "",
         "t.yaml:10:15: error: vlan: expected an integer, got 'five'\n"},
        {"vlan_negative", "vlan: 555", "vlan: -5", "",
         "t.yaml:10:15: error: vlan: -5 is negative; expected 1..4094\n"},
        {"vlan_same", "", "",
         "      public:\n"
         "        vlan: 555\n"
         "        primary-subnet: 172.16.1.4/30\n"
         "        secondary-subnet: 172.16.2.4/30\n",
         "t.yaml:14:15: error: vlan: 555 is also the private peering's VLAN (line 10); private and "
         "public peering need different VLANs\n"},
        {"links_same_interface", "interface: eth1", "interface: eth0", "",
         "t.yaml:7:31: error: links.secondary: interface eth0 is also the primary link's (line 6); "
         "both legs of a peering on one interface share one port and fail together\n"},
        {"unknown_key_typo", "vlan: 555", "vlna: 555", "",
         "t.yaml:9:7: error: peerings.private: missing required key 'vlan'\n"
         "t.yaml:10:9: error: unknown key 'vlna' in a peering; did you mean 'vlan'?\n"},
        {"unknown_key_far", "", "", "        frobnicate: 1\n",
         "t.yaml:13:9: error: unknown key 'frobnicate' in a peering (known keys: vlan, "
         "primary-subnet, secondary-subnet, primary-subnet-v6, secondary-subnet-v6, announce, "
         "max-prefixes, max-prefixes-v6, min-length, min-length-v6, min-length-action, "
         "cap-action, "
         "max-overcoverage, discard-holes, communities, accept, accept-default, "
         "accept-communities, primary, secondary, md5-key, "
         "md5-key-file, md5-password, timers, port, "
         "passive, ttl-security, prepend, max-received, bfd, install, table, metric, "
         "protocol)\n"},
        {"misplaced_key", "    md5-key:",
         "    vlan: 555\n"
         "    md5-key:",
         "", "t.yaml:4:5: error: unknown key 'vlan' in a circuit; 'vlan' belongs in a peering\n"},
        {"duplicate_key", "", "", "        vlan: 556\n",
         "t.yaml:13:9: error: duplicate key 'vlan' (first at line 10, column 9)\n"},
        {"unknown_peering", "      private:", "      privat:", "",
         "t.yaml:9:7: error: unknown key 'privat' in peerings; did you mean 'private'?\n"},
        {"hold_two", "", "", "        timers: { hold: 2 }\n",
         "t.yaml:13:25: error: timers.hold: 2 is not allowed: the hold time is 0 (no keepalives) "
         "or 3..65535 seconds (RFC 4271 4.2)\n"},
        {"keepalive_not_below_hold", "", "", "        timers: { hold: 30 }\n",
         "t.yaml:13:25: error: timers: keepalive 60 is not less than hold 30; keepalive must be at "
         "most a third of the hold time (RFC 4271 4.4)\n"},
        {"idle_hold_max_below", "asn: 65100",
         "asn: 65100\n"
         "timers: { idle-hold: 60, idle-hold-max: 30 }",
         "", "t.yaml:2:41: error: timers: idle-hold-max 30 is below idle-hold 60\n"},
        {"timers_typo", "", "", "        timers: { hodl: 90 }\n",
         "t.yaml:13:19: error: unknown key 'hodl' in timers; did you mean 'hold'?\n"},
        {"port_zero", "asn: 65100",
         "asn: 65100\n"
         "port: 0",
         "", "t.yaml:2:7: error: port: 0 is out of range: expected 1..65535\n"},
        {"passive_yes", "", "", "        passive: yes\n",
         "t.yaml:13:18: error: passive: expected true or false, got 'yes'\n"},
        {"prepend_eleven", "", "", "        prepend: 11\n",
         "t.yaml:13:18: error: prepend: 11 is out of range: expected 0..10\n"},
        {"communities_bad", "", "",
         "        communities: [\"65520:100\", \"65520\", \"70000:1\"]\n",
         "t.yaml:13:36: error: communities: '65520' is not a community; expected ASN:VALUE like "
         "65520:100, both parts 0..65535, or no-export, no-advertise, no-export-subconfed\n"
         "t.yaml:13:45: error: communities: '70000:1' is not a community; expected ASN:VALUE like "
         "65520:100, both parts 0..65535, or no-export, no-advertise, no-export-subconfed\n"},
        {"accept_communities_bad", "", "",
         "        accept-communities: [\"12076:51004\", \"12076\", 7]\n",
         "t.yaml:13:45: error: accept-communities: '12076' is not a community; expected "
         "ASN:VALUE like 65520:100, both parts 0..65535, or no-export, no-advertise, "
         "no-export-subconfed, or a name the provider publishes such as \"East US\" or "
         "\"Exchange Online\" (cebgpd.yaml(5), PROVIDER COMMUNITIES)\n"
         "t.yaml:13:54: error: accept-communities: '7' is not a community; expected "
         "ASN:VALUE like 65520:100, both parts 0..65535, or no-export, no-advertise, "
         "no-export-subconfed, or a name the provider publishes such as \"East US\" or "
         "\"Exchange Online\" (cebgpd.yaml(5), PROVIDER COMMUNITIES)\n"},
        {"accept_communities_scalar", "", "", "        accept-communities: 12076:51004\n",
         "t.yaml:13:29: error: accept-communities: expected a list of communities like "
         "[\"65520:100\"], got '12076:51004'\n"},
        {"accept_default_yes", "", "", "        accept-default: yes\n",
         "t.yaml:13:25: error: accept-default: expected true or false, got 'yes'\n"},
        {"accept_bad_prefix", "", "", "        accept: [10.0.0.0/8, 10.1.2.3/16]\n",
         "t.yaml:13:30: error: accept: 10.1.2.3/16 has host bits set; did you mean 10.1.0.0/16?\n"},
        {"cap_action_typo", "", "", "        cap-action: agregate\n",
         "t.yaml:13:21: error: cap-action: 'agregate' is not one of aggregate, truncate, refuse; "
         "did you mean 'aggregate'?\n"},
        {"min_length_action_bad", "", "", "        min-length-action: keep\n",
         "t.yaml:13:28: error: min-length-action: expected one of drop, extend, got 'keep'\n"},
        {"overcoverage_bad", "", "", "        max-overcoverage: 5 percent\n",
         "t.yaml:13:27: error: max-overcoverage: expected an address count like 1024, a "
         "percentage like \"5%\" (at most two decimals) or unbounded, got '5 percent'\n"},
        {"overcoverage_decimals", "", "", "        max-overcoverage: \"1.125%\"\n",
         "t.yaml:13:27: error: max-overcoverage: expected an address count like 1024, a "
         "percentage like \"5%\" (at most two decimals) or unbounded, got '1.125%'\n"},
        {"max_prefixes_zero", "", "", "        max-prefixes: 0\n",
         "t.yaml:13:23: error: max-prefixes: 0 is out of range: expected 1..1000000\n"},
        {"missing_asn", "asn: 65100\n", "", "",
         "t.yaml:1:1: error: missing required key 'asn' (your AS number)\n"},
        {"missing_everything", NULL, "router-id: 192.0.2.1\n", NULL,
         "t.yaml:1:1: error: missing required key 'asn' (your AS number)\n"
         "t.yaml:1:1: error: missing required key 'circuits'\n"},
        {"circuits_mapping", NULL,
         "asn: 65100\n"
         "circuits:\n"
         "  name: c1\n",
         NULL, "t.yaml:3:3: error: circuits: expected a list of circuits, got a mapping\n"},
        {"circuits_empty", NULL,
         "asn: 65100\n"
         "circuits: []\n",
         NULL, "t.yaml:2:11: error: circuits: at least one circuit is required\n"},
        {"circuit_no_name",
         "  - name: c1\n"
         "    md5-key",
         "  - md5-key", "", "t.yaml:3:5: error: circuit: missing required key 'name'\n"},
        {"circuit_name_space", "name: c1", "name: my circuit", "",
         "t.yaml:3:11: error: name: 'my circuit' is not a valid circuit name (1..64 letters, "
         "digits, '-', '_' or '.')\n"},
        {"circuit_duplicate_name", "", "",
         "  - name: c1\n"
         "    md5-key: 0123456789abcdef0123456789abcdef\n"
         "    links:\n"
         "      primary: { interface: eth2 }\n"
         "    peerings:\n"
         "      private:\n"
         "        vlan: 700\n"
         "        primary-subnet: 172.16.3.0/30\n",
         "t.yaml:13:11: error: name: circuit 'c1' is already defined at line 3\n"},
        {"peering_no_vlan", "        vlan: 555\n", "", "",
         "t.yaml:9:7: error: peerings.private: missing required key 'vlan'\n"},
        {"link_no_interface", "primary: { interface: eth0 }", "primary: { iface: eth0 }", "",
         "t.yaml:6:7: error: links.primary: missing required key 'interface'\n"
         "t.yaml:6:18: error: unknown key 'iface' in a link (known keys: interface)\n"},
        {"links_empty",
         "    links:\n"
         "      primary: { interface: eth0 }\n"
         "      secondary: { interface: eth1 }\n",
         "    links: {}\n", "",
         "t.yaml:5:5: error: links: at least one of primary, secondary is required\n"},
        {"interface_invalid", "interface: eth0", "interface: eth0/1", "",
         "t.yaml:6:29: error: interface: 'eth0/1' is not a valid interface name (1..15 characters, "
         "no '/', ':' or spaces)\n"},
        {"interface_too_long_derived", "interface: eth0", "interface: enp0s31f6abc", "",
         "t.yaml:6:29: error: links.primary: interface enp0s31f6abc with VLAN 555 makes "
         "enp0s31f6abc.555, longer than 15 characters (the kernel's limit); set interface: in the "
         "private peering's primary block\n"},
        {"missing_secondary_subnet", "        secondary-subnet: 172.16.2.0/30\n", "", "",
         "t.yaml:9:7: error: peerings.private: missing secondary-subnet (the circuit has a "
         "secondary link)\n"},
        {"router_id_invalid", "asn: 65100",
         "asn: 65100\n"
         "router-id: 192.0.2",
         "",
         "t.yaml:2:12: error: router-id: expected an IPv4 address like 192.0.2.1, got '192.0.2'\n"},
        {"router_id_zero", "asn: 65100",
         "asn: 65100\n"
         "router-id: 0.0.0.0",
         "",
         "t.yaml:2:12: error: router-id: 0.0.0.0 is not a valid BGP identifier (RFC 6286: "
         "non-zero)\n"},
        {"yaml_syntax", "vlan: 555", "vlan: [555", "",
         "t.yaml:11:23: error: YAML syntax: did not find expected ',' or ']' while parsing a flow "
         "sequence that starts at line 10, column 15\n"},
        {"yaml_tab", "        vlan: 555", "\tvlan: 555", "",
         "t.yaml:10:1: error: YAML syntax: found character that cannot start any token while "
         "scanning for the next token\n"},
        {"empty_file", NULL, "", NULL,
         "t.yaml: error: the file is empty; it needs at least asn and circuits\n"},
        {"top_list", NULL, "- asn: 65100\n", NULL,
         "t.yaml:1:1: error: expected a mapping with asn and circuits at the top level, got a "
         "list\n"},
        {"second_document", "", "",
         "---\n"
         "asn: 1\n",
         "t.yaml:13:1: error: a second YAML document; the config is one document\n"},
        {"table_local", "", "", "        table: 255\n",
         "t.yaml:13:16: error: table: 255 is the kernel's local table; use main or a table of your "
         "own\n"},
        {"table_word", "", "", "        table: mian\n",
         "t.yaml:13:16: error: table: expected a table number or 'main', got 'mian'\n"},
        {"protocol_kernel", "", "", "        protocol: 3\n",
         "t.yaml:13:19: error: protocol: 3 is out of range: 0..4 are the kernel's own (unspec, "
         "redirect, kernel, boot, static); expected 5..255\n"},
        {"log_level_bad", "asn: 65100",
         "asn: 65100\n"
         "log: { level: verbose }",
         "",
         "t.yaml:2:15: error: log.level: expected one of debug, info, notice, warning, error, got "
         "'verbose'\n"},
        {"metrics_listen_bad", "asn: 65100",
         "asn: 65100\n"
         "metrics: { listen: localhost }",
         "",
         "t.yaml:2:20: error: metrics.listen: expected ADDRESS:PORT like 127.0.0.1:9179, got "
         "'localhost'\n"},
        {"control_socket_relative", "asn: 65100",
         "asn: 65100\n"
         "control: { socket: cebgpd.sock }",
         "", "t.yaml:2:20: error: control.socket: expected an absolute path, got 'cebgpd.sock'\n"},
        {"control_sockets_same", "asn: 65100",
         "asn: 65100\n"
         "control: { socket: /run/a.sock, readonly-socket: /run/a.sock }",
         "",
         "t.yaml:2:20: error: control.socket: the same path as control.readonly-socket; the "
         "read-only socket needs its own path\n"},
        {"legs_same_override", "", "",
         "        primary: { interface: bond0.555 }\n"
         "        secondary: { interface: bond0.555 }\n",
         "t.yaml:14:33: error: interface: bond0.555 is used by both legs of private peering "
         "(primary at line 13); both legs of a peering on one interface share one port and fail "
         "together\n"},
        {"interface_reused_across_circuits", "", "",
         "  - name: c2\n"
         "    md5-key: 0123456789abcdef0123456789abcdef\n"
         "    links:\n"
         "      primary: { interface: eth0 }\n"
         "    peerings:\n"
         "      private:\n"
         "        vlan: 555\n"
         "        primary-subnet: 172.16.3.0/30\n",
         "t.yaml:16:29: error: interface: eth0.555 is already used by session c1/private/primary "
         "(line 6)\n"},
        {"leg_kernel_option", "", "", "        primary: { table: 100 }\n",
         "t.yaml:13:20: error: unknown key 'table' in a session block; 'table' belongs in the top "
         "level, a circuit or a peering\n"},
        {"key_not_scalar", "", "",
         "        ? [a]\n"
         "        : 1\n",
         "t.yaml:13:11: error: peerings.private: expected a key name, got a list\n"},
        {"announce_overlaps_other_circuit", "", "",
         "  - name: c2\n"
         "    md5-key: 0123456789abcdef0123456789abcdef\n"
         "    links:\n"
         "      primary: { interface: eth2 }\n"
         "    peerings:\n"
         "      private:\n"
         "        vlan: 700\n"
         "        primary-subnet: 172.16.3.0/30\n"
         "        announce: [172.16.1.0/24]\n",
         "t.yaml:21:20: error: announce: 172.16.1.0/24 overlaps the private primary-subnet "
         "172.16.1.0/30 of circuit c1 (line 11); the guide: the BGP subnets cannot overlap "
         "on-premises or virtual networks\n"},
        {"manage_interfaces_yes", "asn: 65100",
         "asn: 65100\n"
         "manage-interfaces: yes",
         "", "t.yaml:2:20: error: manage-interfaces: expected true or false, got 'yes'\n"},
        {"manage_interfaces_circuit_list", "    md5-key:",
         "    manage-interfaces: [true]\n"
         "    md5-key:",
         "", "t.yaml:4:24: error: manage-interfaces: expected true or false, got a list\n"},
        {"manage_interfaces_in_peering", "", "", "        manage-interfaces: true\n",
         "t.yaml:13:9: error: unknown key 'manage-interfaces' in a peering; 'manage-interfaces' "
         "belongs in the top level or a circuit\n"},
        {"md5_peering_two_sources", "", "",
         "        md5-key: 00112233445566778899aabbccddeeff\n"
         "        md5-key-file: /etc/x\n",
         "t.yaml:14:23: error: md5-key-file: md5-key is already set at line 13; use only one of "
         "md5-key, md5-key-file, md5-password\n"},
};

/* Accepted configs with warnings: the warnings and the sessions. */
static const struct warn_case warn_cases[] = {
        {"asn_provider_reserved", "asn: 65100", "asn: 65520", "",
         "t.yaml:1:6: warning: asn: 65520 is reserved by the provider today (65515-65520); the "
         "guide's example uses 65520, but current ExpressRoute refuses it\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65520 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65520 12076\n"},
        {"asn_documentation", "asn: 65100", "asn: 64500", "",
         "t.yaml:1:6: warning: asn: 64500 is a documentation ASN (RFC 5398); use it only in "
         "examples and labs\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 64500 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 64500 12076\n"},
        {"asn_documentation_4byte", "asn: 65100", "asn: 65540", "",
         "t.yaml:1:6: warning: asn: 65540 is a documentation ASN (RFC 5398); use it only in "
         "examples and labs\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65540 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65540 12076\n"},
        {"asn_asdot", "asn: 65100", "asn: 1.10", "",
         "t.yaml:1:6: warning: asn: 65546 is a documentation ASN (RFC 5398); use it only in "
         "examples and labs\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65546 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65546 12076\n"},
        {"provider_asn_other", "    md5-key:",
         "    provider-asn: 65000\n"
         "    md5-key:",
         "",
         "t.yaml:4:19: warning: provider-asn: 65000 is not 12076, the ASN the provider uses on "
         "every ExpressRoute peering\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 65000\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 65000\n"},
        {"no_md5", "    md5-key: 0123456789abcdef0123456789abcdef\n", "", "",
         "t.yaml:3:11: warning: circuit c1: no MD5 key (md5-key, md5-key-file or md5-password); "
         "the sessions are not authenticated\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"max_prefixes_above_cap", "", "", "        max-prefixes: 5000\n",
         "t.yaml:13:23: warning: max-prefixes: 5000 is above the provider's cap of 3000 IPv4 "
         "prefixes on private peering (provider expressroute-classic, sku standard): the "
         "provider drops the session over 3000, both legs at once\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"keepalive_over_third", "", "", "        timers: { hold: 90, keepalive: 45 }\n",
         "t.yaml:13:40: warning: timers: keepalive 45 is more than a third of hold 90 (RFC 4271 "
         "4.4 suggests a third)\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"announce_twice", "", "", "        announce: [10.10.0.0/16, 10.10.0.0/16]\n",
         "t.yaml:13:34: warning: announce: 10.10.0.0/16 is listed twice (first at line 13, column "
         "20)\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"service_key_shape", "    md5-key:",
         "    service-key: not-a-guid\n"
         "    md5-key:",
         "",
         "t.yaml:4:18: warning: service-key: not shaped like a GUID (8-4-4-4-12 hex digits); check "
         "it (the value is not shown)\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"metrics_not_loopback", "asn: 65100",
         "asn: 65100\n"
         "metrics: { listen: \"0.0.0.0:9179\" }",
         "",
         "t.yaml:2:20: warning: metrics.listen: 0.0.0.0 is not a loopback address; the metrics are "
         "visible beyond this host\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"leg_without_link", "      secondary: { interface: eth1 }\n", "",
         "        secondary: { prepend: 1 }\n",
         "t.yaml:12:9: warning: secondary: the circuit has no secondary link; this block has no "
         "effect\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"},
        {"router_id_is_peer", "asn: 65100",
         "asn: 65100\n"
         "router-id: 172.16.1.2",
         "",
         "t.yaml:2:12: warning: router-id: 172.16.1.2 is the provider's address on session "
         "c1/private/primary; the BGP identifiers of the two ends must differ\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"announce_default_route", "", "", "        announce: [0.0.0.0/0, 10.10.0.0/16]\n",
         "t.yaml:13:20: warning: announce: 0.0.0.0/0 is the default route; the outbound policy "
         "never advertises it\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"announce_ipv6_without_session", "", "", "        announce: [2a10:ce10::/48]\n",
         "t.yaml:13:20: warning: announce: 2a10:ce10::/48 is IPv6 but the private peering has no "
         "IPv6 session; add primary-subnet-v6 and secondary-subnet-v6, or it is never "
         "advertised\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"max_prefixes_v6_above_cap", "", "", "        max-prefixes-v6: 150\n",
         "t.yaml:13:26: warning: max-prefixes-v6: 150 is above the provider's cap of 100 IPv6 "
         "prefixes on private peering (provider expressroute-classic): the provider drops the "
         "session over 100, both legs at once\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"accept_empty", "", "", "        accept: []\n",
         "t.yaml:13:17: warning: accept: an empty list refuses every route the provider sends\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
        {"accept_communities_empty", "", "", "        accept-communities: []\n",
         "t.yaml:13:29: warning: accept-communities: an empty list refuses every route the "
         "provider sends\n",
         "c1/private/primary eth0.555 172.16.1.1 172.16.1.2 65100 12076\n"
         "c1/private/secondary eth1.555 172.16.2.1 172.16.2.2 65100 12076\n"},
};
