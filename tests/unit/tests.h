/*
 * tests.h: the one table of unit tests (Redis redisTests[], libuv test-list.h).
 * Add a test: write test_<module>_<behaviour>() and list it here.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_TESTS_H
#define PASOS_TESTS_H

#define UNIT_TESTS(X) \
	X(test_csv_simple) X(test_csv_missing_final_newline) X(test_csv_crlf) X(test_csv_bom) \
	X(test_csv_quoted) X(test_csv_embedded_newline_counts_lines) X(test_csv_empty_fields) \
	X(test_csv_blank_lines_skipped) X(test_csv_bad_quote) X(test_csv_unterminated) \
	X(test_csv_nul) X(test_csv_too_long_skips_to_next_record) X(test_csv_one_megabyte_line) \
	X(test_csv_too_many_fields) X(test_csv_file_offsets_and_seek) \
	X(test_csv_small_reads_cross_buffer) X(test_csv_open_missing_file) \
	X(test_validate_required_and_length) X(test_validate_utf8_and_control) \
	X(test_validate_integer) X(test_validate_dates) X(test_validate_codes) \
	X(test_validate_cross_field_rules) X(test_validate_shipped_movement_rules) \
	X(test_date_round_trip) X(test_ingest_hash_lengths) \
	X(test_schema_shipped_registers) X(test_schema_errors_name_the_line) \
	X(test_schema_unknown_register) \
	X(test_names_normalize) X(test_names_phonetic) X(test_names_similarity) \
	X(test_protect_ptable_promises) X(test_protect_opts) X(test_protect_move_reach) X(test_protect_audit_verdicts) \
	X(test_extsort_in_memory) X(test_extsort_spills_and_merges)

#define DECLARE(name) void name(void);
UNIT_TESTS(DECLARE)
#undef DECLARE

#endif
