/* Decoding with iconv; telling GB18030 from Big5 by which reads as common Chinese. */
#include "core/textenc.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "core/utf8.h"

/* The most frequent characters of modern Chinese, simplified and traditional alike where
 * they share a form: text decoded with the wrong one of GB18030 and Big5 turns into rare
 * characters instead. */
static const char common[] =
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活"
    "难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清"
    "物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功"
    "指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强"
    "步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版"
    "双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志"
    "飛觀爭當這個們來說為國時會過對後麼發現與點種經學動開長樣進實兩變還體從間問機關應話員黨號廣"
    "陳黃張劉吳羅鄭謝馮葉蔡書記支部員聯線電話區華";

static int convert(const char *data, size_t n, const char *from, struct buf *out, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)data;
    size_t left = n;
    char chunk[4096];
    int rc = 0;
    while (left > 0) {
        char *o = chunk;
        size_t room = sizeof(chunk);
        size_t r = iconv(cd, &in, &left, &o, &room);
        buf_append(out, chunk, (size_t)(o - chunk));
        if (r == (size_t)-1 && errno != E2BIG) {
            *bad = (size_t)(in - data);
            rc = -1;
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

/* How many characters of s are common Chinese ones. */
static size_t common_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (((unsigned char)s[i] & 0xF0) != 0xE0)
            continue;
        for (size_t k = 0; k + 3 <= sizeof(common) - 1; k += 3)
            if (memcmp(common + k, s + i, 3) == 0) {
                count++;
                break;
            }
        i += 2;
    }
    return count;
}

static bool has_bom(const char *data, size_t n)
{
    return n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
}

/* The bytes of the BOMs that UTF-8 text starts with: a tool that adds one to a file that
 * had one already leaves two, and a GB18030 file's own BOM converts to one (found by
 * tests/fuzz). Left in, the first column's name would not be known. */
static size_t boms(const char *data, size_t n)
{
    size_t skip = 0;
    while (has_bom(data + skip, n - skip))
        skip += 3;
    return skip;
}

const char *textenc_detect(const char *data, size_t n)
{
    if (has_bom(data, n) || utf8_valid(data, n))
        return "utf-8";
    /* Judge by a sample: the start of the file says enough. */
    size_t sample = n < 65536 ? n : 65536;
    struct buf gb = BUF_INIT, big5 = BUF_INIT;
    size_t bad_gb = 0, bad_big5 = 0;
    int gb_ok = convert(data, sample, "GB18030", &gb, &bad_gb) == 0 || bad_gb + 4 >= sample;
    int big5_ok = convert(data, sample, "BIG5", &big5, &bad_big5) == 0 || bad_big5 + 2 >= sample;
    const char *pick = NULL;
    if (gb_ok && big5_ok)
        pick =
            common_count(big5.data, big5.len) > common_count(gb.data, gb.len) ? "big5" : "gb18030";
    else if (gb_ok)
        pick = "gb18030";
    else if (big5_ok)
        pick = "big5";
    buf_free(&gb);
    buf_free(&big5);
    return pick;
}

static size_t line_of(const char *data, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++)
        line += data[i] == '\n';
    return line;
}

int textenc_utf8_view(const char *data, size_t n, const char **text, size_t *len, struct error *err)
{
    size_t skip = boms(data, n);
    if (!utf8_valid(data + skip, n - skip)) {
        return error_set(err, ERR_INVALID,
                         "line %zu is not valid UTF-8: is the file GBK or Big5? (say which, or "
                         "let louyu detect it)",
                         line_of(data, skip + utf8_valid_len(data + skip, n - skip)));
    }
    *text = data + skip;
    *len = n - skip;
    return 0;
}

const char *textenc_name(const char *given)
{
    static const char *const names[][2] = {
        {"utf-8", "utf-8"}, {"utf8", "utf-8"},     {"gb18030", "gb18030"},
        {"gbk", "gb18030"}, {"gb2312", "gb18030"}, {"cp936", "gb18030"},
        {"big5", "big5"},   {"big-5", "big5"},     {"cp950", "big5"},
    };
    for (size_t i = 0; given && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(given, names[i][0]) == 0)
            return names[i][1];
    return NULL;
}

int textenc_to_utf8(const char *data, size_t n, const char *encoding, struct buf *out,
                    const char **used, struct error *err)
{
    if (encoding && textenc_name(encoding) == NULL)
        return error_set(err, ERR_INVALID, "unknown encoding '%s' (utf-8, gb18030 or gbk, big5)",
                         encoding);
    const char *enc = encoding ? textenc_name(encoding) : textenc_detect(data, n);
    if (enc == NULL)
        return error_set(err, ERR_INVALID,
                         "the file is neither UTF-8 nor GB18030 nor Big5: save it as CSV UTF-8");
    *used = enc;
    if (strcmp(enc, "utf-8") == 0) {
        const char *text;
        size_t len;
        if (textenc_utf8_view(data, n, &text, &len, err) != 0)
            return -1;
        buf_append(out, text, len);
        return 0;
    }
    const char *from = strcmp(enc, "gb18030") == 0 ? "GB18030"
                       : strcmp(enc, "big5") == 0  ? "BIG5"
                                                   : NULL;
    if (from == NULL)
        return error_set(err, ERR_INVALID, "unknown encoding '%s' (utf-8, gb18030, big5)", enc);
    size_t bad = 0, start = out->len;
    if (convert(data, n, from, out, &bad) != 0)
        return error_set(err, ERR_INVALID, "line %zu does not read as %s", line_of(data, bad), enc);
    /* A NUL byte decodes to U+0000, which UTF-8 input may not hold either and which would
     * end a CSV field early (found by tests/fuzz). */
    size_t text = out->len > start ? utf8_valid_len(out->data + start, out->len - start) : 0;
    if (text != out->len - start)
        return error_set(err, ERR_INVALID,
                         "line %zu holds a NUL character, which text does not: save the file "
                         "as CSV",
                         line_of(out->data + start, text));
    size_t skip = out->len > start ? boms(out->data + start, out->len - start) : 0;
    if (skip) {
        memmove(out->data + start, out->data + start + skip, out->len - start - skip + 1);
        out->len -= skip;
    }
    return 0;
}

int textenc_garbled(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int latin_run = 0;
    for (; *p; p++) {
        if (p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xBD)
            return 1; /* U+FFFD, the replacement character */
        /* U+00C0..U+00FF are C3 80..C3 BF; U+0080..U+00BF are C2 80..C2 BF. */
        if ((p[0] == 0xC3 || p[0] == 0xC2) && p[1] >= 0x80 && p[1] <= 0xBF) {
            if (++latin_run >= 2)
                return 1;
            p++;
        } else if (*p >= 0x80 || (*p != ' ' && latin_run))
            latin_run = 0;
    }
    return 0;
}
