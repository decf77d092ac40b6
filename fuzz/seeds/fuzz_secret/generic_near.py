4password = os.environ["DB_PASSWORD"]
password = get_password()
secret_key = settings.SECRET_KEY
token = request.headers.token_value
api_key = "your-api-key-here"
password = "changeme123"
password: ${DB_PASSWORD}
password: "<password>"
PASSWORD=xxxxxxxx
PASSWORD=********
password_file=/run/secrets/db_password
PasswordAuthentication no
    password: Optional. The password for the default admin user.
    FPassword: UTF8String;
    CURLOPT_USERPWD:=CURLOPTTYPE_OBJECTPOINT+5,
"page_token": "CgwIARIIYWJjZGVmZ2gQAQ"
Culture=neutral, PublicKeyToken=b77a5c561934e089
id_token = "HEADER.PAYLOAD.SIGNATURE"
'service_account_token': 'V1ServiceAccountTokenProjection'
  Pwd := 'nobody@nowhere.com';
secret = 'sql-component.googleapis.com'
    Next page token: EUzOTI01QY3K5eZr7fMFVUEm8
let pwd = a:dict.istemp ? a:dict.tmpdir : ''
password=abc
client_secret = "ZmssLNjJy2998hD4CTg2ejr2"
