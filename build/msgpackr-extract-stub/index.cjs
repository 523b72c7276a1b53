throw new Error('msgpackr-extract is not installed here; msgpackr decodes in JavaScript');
