// Every message of the app in this language, by area; each area is its own file.
import common from './common.js';
import auth from './auth.js';
import home from './home.js';
import stations from './stations.js';
import calendar from './calendar.js';
import orgs from './orgs.js';
import activities from './activities.js';
import birthdays from './birthdays.js';
import me from './me.js';

export default { common, auth, home, stations, calendar, orgs, activities, birthdays, me };
