"""File imports: tables, data wajib KTP, regions, kit sync, SIAK statuses, students, uploads."""
