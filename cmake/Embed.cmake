# Embed.cmake — cmake -P script: write a C file holding a binary file's
# bytes, for a guest that carries other modules (the init guest).
#   cmake -DIN=file.wasm -DOUT=file.c -DNAME=sym -P Embed.cmake
# defines  const unsigned char sym[];  const unsigned long sym_len;
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
       "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/Embed.cmake */\n"
     "const unsigned char ${NAME}[${len}] = {\n${bytes}};\n"
     "const unsigned long ${NAME}_len = ${len};\n")
