# cmake -D IN=<module.asn> -D OUT=<copy.asn> -P rewrite_open_types.cmake
# Writes a copy of an ASN.1 module for Erlang's asn1 with every `TYPE-IDENTIFIER.&Type(T)`
# replaced by OCTET STRING (see CMakeLists.txt: how X.691 codes an open type).
file(READ ${IN} text)
string(REGEX REPLACE "TYPE-IDENTIFIER\\.&Type\\([^)]*\\)" "OCTET STRING" text "${text}")
file(WRITE ${OUT}.tmp "${text}")
file(RENAME ${OUT}.tmp ${OUT})
