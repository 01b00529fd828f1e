// Entry of dist/ccxt.js: ccxt on its own, loaded by the extension on the first live feed.
module.exports = require('ccxt');
