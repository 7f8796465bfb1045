# Masks what changes between two runs of observe.py (validity numbers, timings, dates, ids):
#   diff <(sed -f tests/servers/normalize.sed A.txt) <(sed -f tests/servers/normalize.sed B.txt)
s/UIDVALIDITY [0-9]*/UIDVALIDITY N/g
s/COPYUID [0-9]*/COPYUID N/g
s/APPENDUID [0-9]*/APPENDUID N/g
s/([0-9.]* + [0-9.]*\( + [0-9.]*\)\? secs)/(T)/g
s/([0-9.]* secs\?[^)]*)/(T)/g
s/SESSIONID=<[^>]*>/SESSIONID/g
s/MAILBOXID ([^)]*)/MAILBOXID/g
s/"[ 0-9]*-[A-Z][a-z][a-z]-[0-9]* [0-9:]* +0000"/"DATE"/g
s/([0-9]* msgs in [0-9.]* secs)/(T)/g
