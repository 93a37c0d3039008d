"""The ``sip`` telephony backend (see ``backend``), on the sippy SIP stack."""
