/* hostile.c: the code of testdata/hostile/hostile-strings.exe, a PE whose
 * strings attack whatever displays them (examples/web's escaping test).
 * The program does nothing; the attack is in the names:
 *   - four sections named with HTML and a right-to-left override (the
 *     section names are at most 8 bytes, as in every PE image);
 *   - the version strings of hostile.rc.
 * Linked without the C runtime, so the file stays a few KiB. */

/* Each .section directive makes one section of the image. GNU as takes a
 * quoted name; \" is a quote inside it. The RLO (U+202E) is written as its
 * UTF-8 bytes \342\200\256. */
__asm__(".section \"<script>\",\"dr\"\n\t.ascii \"<script>alert(1)</script>\"\n"
        ".section \"\\\"><img\",\"dr\"\n\t.ascii \"img onerror\"\n"
        ".section \"</svg>\",\"dr\"\n\t.ascii \"</svg>\"\n"
        ".section \"\342\200\256exe.\",\"dr\"\n\t.ascii \"rlo\"\n"
        ".text\n");

void start(void) {}
