4const client = twilio('SK154b48b21f109b2a7a119b3a551af232', process.env.TWILIO_SECRET, { accountSid: 'AC6a967652ff47986e97e7dd8412383c37' });
